"""The verification lookup as SQL, free of Django so a bare baseline app can share it."""

FIELDS = ("cert_no", "family_id", "family__name", "item_code", "issuer_code", "issuer__name",
          "first_issued", "valid_from", "valid_until", "review_due", "last_review", "status",
          "status_reason", "holder__id_no", "holder__name")
DATE_FIELDS = ("first_issued", "valid_from", "valid_until", "review_due", "last_review")
# The hottest query of the platform, written once as SQL: building it through the ORM cost
# more than running it. Plain joins on primary keys and indexed columns, portable SQL.
LOOKUP_SQL = """
SELECT c.cert_no, c.family_id, f.name, c.item_code, c.issuer_code, o.name,
       c.first_issued, c.valid_from, c.valid_until, c.review_due, c.last_review, c.status,
       c.status_reason, h.id_no, h.name
FROM registry_certificate c
JOIN registry_holder h ON h.id = c.holder_id
JOIN catalog_family f ON f.key = c.family_id
LEFT JOIN orgs_organisation o ON o.id = c.issuer_id
WHERE {where}
ORDER BY c.family_id, c.item_code
"""
BY_ID_NO = LOOKUP_SQL.format(where="h.id_no = %s")
BY_CERT_NO = LOOKUP_SQL.format(where="c.cert_no = %s")
BY_BOTH = LOOKUP_SQL.format(where="h.id_no = %s AND c.cert_no = %s")
