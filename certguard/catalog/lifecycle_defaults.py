"""Lifecycle rules per family (DOMAIN.md §1–2), loaded into the Family table once.

Administrators correct them in the table; these are only the first values.
"""

LIFECYCLE: dict[str, dict[str, object]] = {
    # Order No. 30: 6 years, review every 3 (Art. 19, 21), apply within 60 days before the
    # due date (Art. 22), every 6 years after ≥ 10 years' continuous work (Art. 21).
    "special_ops": dict(validity_months=72, review_cycle_months=36, review_window_days=60,
                        extended_review_cycle_months=72, extension_min_years=10,
                        renewal_window_days=60, renewal_months=72,
                        lookup_site="cx.mem.gov.cn", confirmed=True),
    # 建质〔2008〕75号: 2 years; extension review within 3 months before expiry adds 2 years.
    "construction": dict(validity_months=24, review_cycle_months=None, review_window_days=90,
                         renewal_window_days=90, renewal_months=24,
                         lookup_site="zlaq.mohurd.gov.cn", confirmed=True),
    # TSG Z6001: 4 years; review before expiry — 1 or 3 months, sources conflict.
    "special_equipment": dict(validity_months=48, review_cycle_months=None,
                              review_window_days=90, renewal_window_days=90, renewal_months=48,
                              lookup_site="cnse.samr.gov.cn", confirmed=False,
                              notes="复审申请期（到期前1个月或3个月）来源不一致，暂按3个月"),
    "safety_manager": dict(validity_months=36, review_cycle_months=None, review_window_days=90,
                           renewal_window_days=90, renewal_months=36,
                           lookup_site="cx.mem.gov.cn", confirmed=False,
                           notes="换证申请期未核实，暂按到期前3个月"),
}
