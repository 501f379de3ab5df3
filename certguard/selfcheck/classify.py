"""Clues of rules R01–R10 → one plain result per roster row (no Django)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

from certguard.registry.lifecycle import STATUS_LABELS, status_code_on
from certguard.selfcheck import outcomes as o
from certguard.selfcheck.reader import RosterRow

# Which rule decides the result when several fire, most serious first.
PRIORITY: tuple[tuple[str, str], ...] = (
    ("R05", o.ALTERED), ("R01", o.NOT_FOUND), ("R03", o.ID_MISMATCH), ("R04", o.NAME_MISMATCH),
    ("R09", o.REVOKED), ("R07", o.EXPIRED), ("R08", o.REVIEW_OVERDUE), ("R10", o.ITEM_MISMATCH),
)
Key = tuple[str, str, str]  # worker ID number, worker name, declared cert_no ("" = none)


def clue_index(clues: Iterable[Mapping]) -> dict[Key, list[dict]]:
    """Worker clues by the roster key they speak of."""
    index: dict[Key, list[dict]] = {}
    for clue in clues:
        if clue["subject"] != "worker":
            continue
        key = (clue["id_no"] or "", clue["name"] or "", clue["cert_no"] or "")
        evidence = json.loads(clue["evidence"]) if clue["evidence"] else {}
        index.setdefault(key, []).append({"rule": clue["rule"], "detail": clue["detail"],
                                          "evidence": evidence})
    return index


class Registry:
    """The fetched certificates, by number and by holder, for showing beside the declaration."""

    def __init__(self, rows: Sequence[tuple], *, as_of: date) -> None:
        self.as_of = as_of.isoformat()  # the rows' dates are ISO text: compared as strings
        self._described: dict[int, dict] = {}
        self.by_cert: dict[str, list[tuple]] = {}
        self.by_id: dict[str, list[tuple]] = {}
        for row in rows:
            self.by_cert.setdefault(row[0], []).append(row)
            self.by_id.setdefault(row[1], []).append(row)

    def current(self, row: tuple) -> bool:
        return row[11] == "valid" and row[7] <= self.as_of <= row[8]

    def has_current(self, id_no: str) -> bool:
        return any(self.current(r) for r in self.by_id.get(id_no, ()))

    def shown(self, *, id_no: str, cert_no: str, item: str | None, near: str = "") -> dict | None:
        by_cert = self.by_cert.get(cert_no or near, [])
        if len(by_cert) == 1:  # the common case: one certificate has the number
            return self.describe(by_cert[0])
        mine = [r for r in by_cert if r[1] == id_no] or by_cert
        if not mine:
            held = self.by_id.get(id_no, [])
            mine = [r for r in held if r[4] == item] or held
        if not mine:
            return None
        if len(mine) == 1:
            return self.describe(mine[0])
        best = min(mine, key=lambda r: (r[4] != item, not self.current(r), r[8]))
        return self.describe(best)

    def describe(self, row: tuple) -> dict:
        """The certificate as shown (and stored) beside a declaration; computed once per row."""
        key = id(row)
        if key not in self._described:
            self._described[key] = self._describe(row)
        return self._described[key]

    def _describe(self, row: tuple) -> dict:
        # The decision alone (status_code_on, which takes ISO text): the label is all shown.
        status = status_code_on(self.as_of, row[11], row[7], row[8], row[9], row[10])
        return {"cert_no": row[0], "id_no": row[1], "name": row[2], "family": row[3],
                "item_code": row[4], "issuer_code": row[5], "valid_from": row[7],
                "valid_until": row[8], "review_due": row[9], "last_review": row[10],
                "status": row[11], "status_label": STATUS_LABELS[status]}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def decide(*, found: list[dict], cert_no: str | None, on_post: bool,
           has_current: Callable[[], bool]) -> str:
    rules = {f["rule"] for f in found}
    for rule, result in PRIORITY:
        if rule in rules:
            if result == o.ITEM_MISMATCH and not cert_no:
                return o.UNCERTIFIED  # the post needs an item and nothing was declared
            return result
    if not cert_no and on_post and not has_current():
        return o.UNCERTIFIED
    return o.VALID


def row_values(row: RosterRow, item_code: str | None) -> dict[str, str | None]:
    iso = _iso
    return {"worker_name": row.worker_name, "worker_id_no": row.worker_id_no,
            "cert_no": row.cert_no, "post": row.post, "required_item_code": item_code,
            "item_text": row.item_text, "valid_until": iso(row.valid_until),
            "on_post_from": iso(row.on_post_from), "on_post_to": iso(row.on_post_to),
            "issuer": row.issuer, "remark": row.remark}


# A self-check tells the employer whether what it declared holds, never who else holds a
# certificate (PIPL art. 6, minimum necessary): the registry's name and ID number are shown
# only where they are the declared ones, and these rules' texts are the platform's own.
PLAIN_DETAILS = {
    "R03": "申报的证书 {cert_no} 登记在其他身份证号名下，与从业人员身份证号不符",
    "R04": "证书 {cert_no} 登记的持证人姓名与申报姓名不符",
    "R05": "申报的证书编号 {cert_no} 不存在，但与同名持证人的一张证书仅差一个字符，疑似涂改",
}
PRIVATE_EVIDENCE = {"holder_id_no", "holder_name", "registry_name"}


def redacted(shown: dict | None, row: RosterRow) -> dict | None:
    """The registry certificate as the employer may see it beside its own declaration."""
    if shown is None:
        return None
    hidden = {}
    if shown["name"] != row.worker_name:
        hidden["name"] = None
    if shown["id_no"] != row.worker_id_no:
        hidden["id_no"] = None
    return {**shown, **hidden, "holder_differs": True} if hidden else shown


def plain(finding: dict, row: RosterRow) -> dict:
    """A rule's finding without another person's name or ID number."""
    text = PLAIN_DETAILS.get(finding["rule"])
    if text is None:
        return finding
    evidence = {k: v for k, v in finding["evidence"].items() if k not in PRIVATE_EVIDENCE}
    return {**finding, "detail": text.format(cert_no=row.cert_no or ""), "evidence": evidence}


def classify_row(*, row: RosterRow, item_code: str | None, clues: dict[Key, list[dict]],
                 registry: Registry, on_post: bool) -> o.WorkerOutcome:
    found = clues.get((row.worker_id_no, row.worker_name, row.cert_no or ""))
    if not found:  # most rows: no rule fired
        uncertified = not row.cert_no and on_post and not registry.has_current(row.worker_id_no)
        return o.WorkerOutcome(sheet=row.sheet, row_no=row.row_no,
                               result=o.UNCERTIFIED if uncertified else o.VALID,
                               values=row_values(row, item_code),
                               registry=redacted(registry.shown(id_no=row.worker_id_no,
                                                                cert_no=row.cert_no or "",
                                                                item=item_code), row))
    found = [plain(f, row) for f in sorted(found, key=lambda f: f["rule"])]
    result = decide(found=found, cert_no=row.cert_no, on_post=on_post,
                    has_current=lambda: registry.has_current(row.worker_id_no))
    near = next((f["evidence"].get("registry_cert_no", "") for f in found
                 if f["rule"] == "R05"), "")
    shown = registry.shown(id_no=row.worker_id_no, cert_no=row.cert_no or "", item=item_code,
                           near=near if row.cert_no not in registry.by_cert else "")
    return o.WorkerOutcome(sheet=row.sheet, row_no=row.row_no, result=result,
                           values=row_values(row, item_code),
                           rules=sorted({f["rule"] for f in found}),
                           details=[f["detail"] for f in found], evidence=found,
                           registry=redacted(shown, row))
