"""One table of the actions a page form or an API call may ask of a case, a referral, a
listing or a bulletin: name → the service call, with the parameters read from the request's
data (a form or a JSON body). The pages and the API share it; neither holds logic."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from certguard.cases import services
from certguard.core.errors import AppError
from certguard.core.scoping import UserLike

Action = Callable[[UserLike, int, Mapping[str, Any]], Any]


def _s(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    return "" if value is None else str(value)


def _flag(data: Mapping[str, Any], key: str) -> bool:
    return str(data.get(key, "")).strip().lower() in ("1", "true", "yes", "on", "是")


def _list(data: Mapping[str, Any], key: str) -> list:
    value = data.getlist(key) if hasattr(data, "getlist") else data.get(key, [])
    if isinstance(value, str):
        value = [value]
    out: list = []
    for item in value or []:
        out += [p.strip() for p in str(item).replace("，", ",").replace("\n", ",").split(",")
                if p.strip()] if isinstance(item, str) else [item]
    return out


def _int(data: Mapping[str, Any], key: str, what: str) -> int:
    value = _s(data, key).strip()
    if not value.isdigit() or len(value) > 12:
        raise AppError(f"{key}_invalid", f"请选择{what}", fields={key: [f"请选择{what}"]})
    return int(value)


def _parts(data: Mapping[str, Any]) -> list[dict]:
    """Split targets: a JSON list of {kind, name, id_no | credit_code}, or form lines
    "kind,name,ID or credit code"."""
    raw = data.get("parts", [])
    if isinstance(raw, list) and all(isinstance(p, dict) for p in raw):
        return raw
    parts = []
    for line in str(raw).splitlines():
        cells = [c.strip() for c in line.replace("，", ",").split(",")]
        if len(cells) < 3 or not cells[0]:
            continue
        kind, name, key = cells[:3]
        parts.append({"kind": {"用人单位": "enterprise", "从业人员": "worker"}.get(kind, kind),
                      "name": name, "id_no" if kind in ("worker", "从业人员") else "credit_code":
                      key})
    return parts


CASE_ACTIONS: dict[str, Action] = {
    "party_add": lambda by, pk, d: services.case_party_add(
        by=by, case_id=pk, kind=_s(d, "kind"), name=_s(d, "name"), id_no=_s(d, "id_no"),
        credit_code=_s(d, "credit_code"), phone=_s(d, "phone")),
    "evidence_link": lambda by, pk, d: services.case_evidence_link(
        by=by, case_id=pk, kind=_s(d, "kind"), ref=_s(d, "ref"), title=_s(d, "title")),
    "basis_set": lambda by, pk, d: services.case_basis_set(
        by=by, case_id=pk, articles=_list(d, "articles")),
    "decide": lambda by, pk, d: services.case_decide(
        by=by, case_id=pk, kind=_s(d, "kind"), article=_s(d, "article"),
        text_=_s(d, "text"), amount=_s(d, "amount") or None,
        party_id=_int(d, "party", "当事人") if _s(d, "party") else None,
        penalty_id=_s(d, "penalty") or None),
    "decision_fix": lambda by, pk, d: services.case_decision_fix(
        by=by, case_id=pk, decision_id=_int(d, "decision", "处理决定"),
        article=_s(d, "article"), penalty_id=_s(d, "penalty") or None),
    "split": lambda by, pk, d: services.case_split(by=by, case_id=pk, parts=_parts(d)),
    "close": lambda by, pk, d: services.case_close(by=by, case_id=pk, closure=_s(d, "closure"),
                                                   note=_s(d, "note")),
    "refer": lambda by, pk, d: services.referral_propose(
        by=by, case_id=pk, reason=_s(d, "reason"), offences=_list(d, "offences")),
    "listing_notice": lambda by, pk, d: services.listing_notice(
        by=by, case_id=pk, party_id=_int(d, "party", "当事人"),
        condition_id=_int(d, "condition", "列入情形"), facts=_s(d, "facts")),
}

AGENCY_ACTIONS: dict[str, Action] = {
    "head_decide": lambda by, pk, d: services.referral_head_decide(
        by=by, pk=pk, refer=_flag(d, "refer"), reasons=_s(d, "reasons")),
    "transfer": lambda by, pk, d: services.referral_transfer(
        by=by, pk=pk, attachments=_list(d, "attachments")),
    "reconsider": lambda by, pk, d: services.referral_reconsider(by=by, pk=pk,
                                                                 reasons=_s(d, "reasons")),
    "supervise": lambda by, pk, d: services.referral_supervise(by=by, pk=pk,
                                                               reasons=_s(d, "reasons")),
    "close": lambda by, pk, d: services.referral_close(by=by, pk=pk, reason=_s(d, "reason")),
}

POLICE_ACTIONS: dict[str, Action] = {
    "receipt": lambda by, pk, d: services.referral_receipt(by=by, pk=pk),
    "decide": lambda by, pk, d: services.referral_police_decide(
        by=by, pk=pk, accept=_flag(d, "accept"), case_no=_s(d, "case_no"),
        reasons=_s(d, "reasons")),
    "reconsider_answer": lambda by, pk, d: services.referral_reconsider_answer(
        by=by, pk=pk, accept=_flag(d, "accept"), case_no=_s(d, "case_no"),
        reasons=_s(d, "reasons")),
}

PROCURATORATE_ACTIONS: dict[str, Action] = {
    "early": lambda by, pk, d: services.referral_early(by=by, pk=pk, note=_s(d, "note")),
    "supervision_result": lambda by, pk, d: services.referral_supervision_result(
        by=by, pk=pk, police_opened=_flag(d, "police_opened"), note=_s(d, "note"),
        case_no=_s(d, "case_no")),
    "court": lambda by, pk, d: services.referral_court(by=by, pk=pk, outcome=_s(d, "outcome"),
                                                       note=_s(d, "note")),
}

LISTING_WORK_ACTIONS: dict[str, Action] = {
    "objection": lambda by, pk, d: services.listing_objection(by=by, pk=pk, text_=_s(d, "text")),
    "repair_request": lambda by, pk, d: services.listing_repair_request(by=by, pk=pk,
                                                                        text_=_s(d, "text")),
}

LISTING_DECIDE_ACTIONS: dict[str, Action] = {
    "decide": lambda by, pk, d: services.listing_decide(by=by, pk=pk, listed=_flag(d, "listed"),
                                                        note=_s(d, "note")),
    "publish": lambda by, pk, d: services.listing_publish(by=by, pk=pk),
    "repair_review": lambda by, pk, d: services.listing_repair_review(
        by=by, pk=pk, grant=_flag(d, "grant"), note=_s(d, "note")),
    "restore": lambda by, pk, d: services.listing_restore(by=by, pk=pk, reason=_s(d, "reason")),
}

BULLETIN_ACTIONS: dict[str, Action] = {
    "approve": lambda by, pk, d: services.bulletin_approve(by=by, pk=pk),
    "publish": lambda by, pk, d: services.bulletin_publish(by=by, pk=pk),
}


def run(table: dict[str, Action], *, by: UserLike, pk: int, data: Mapping[str, Any]) -> Any:
    name = _s(data, "action")
    if name not in table:
        raise AppError("action_invalid", "请选择要办理的事项", fields={"action": ["事项无效"]})
    return table[name](by, pk, data)
