"""Verification of many certificates at once, set-based: rows are fetched with a few IN-list
queries instead of one query per key, and a key is only validated (for a precise error) when
the registry does not know it — a number the registry holds is valid by construction.

Used by the batch API, and by anything that checks a roster or a department's list.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from certguard import ids
from certguard.core.audit import audit_query
from certguard.core.errors import AppError
from certguard.core.scoping import UserLike
from certguard.registry.lifecycle import status_code_on
from certguard.registry.lookup_sql import (
    COMPACT_FIELDS,
    COMPACT_SQL,
    DATE_FIELDS,
    FIELDS,
    LOOKUP_SQL,
)
from certguard.registry.names import normalise_cert_no, normalise_name
from certguard.registry.services import today
from certguard.registry.verification import (
    VerifyQuery,
    _as_date,
    _clean,
    build_answer,
    execute_raw,
)

CHUNK = 500  # keys per IN list: under SQLite's parameter limit, few round trips


AT = {name: index for index, name in enumerate(FIELDS)}
DATES = [AT[name] for name in DATE_FIELDS]
CAT = {name: index for index, name in enumerate(COMPACT_FIELDS)}


def _fetch(column: str, keys: set[str], *, compact: bool) -> dict[str, list[tuple]]:
    """Rows as tuples (positions in AT, or CAT when compact), grouped by the key column."""
    found: dict[str, list[tuple]] = defaultdict(list)
    ordered = sorted(keys)
    sql, key_at = (COMPACT_SQL, CAT[column]) if compact else (LOOKUP_SQL, AT[column])
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        where = f"{column} IN ({', '.join(['%s'] * len(chunk))})"
        for row in execute_raw(sql.format(where=where), chunk):
            if not compact and isinstance(row[AT["valid_until"]], str):
                row = tuple(_as_date(v) if i in DATES else v for i, v in enumerate(row))
            found[row[key_at]].append(row)
    return found


def _compact(rows: list[tuple], name: str, on: str) -> dict:
    """The bulk answer: result, and number, item and status code of each matching row (a
    number registered under another name answers "not_found", as for a single query)."""
    matching = [r for r in rows if r[3] == name]
    result = "found" if matching else "not_found"
    # r[4:9] = status, valid_from, valid_until, review_due, last_review (ISO text)
    return {"result": result, "certificates": [
        {"cert_no": r[1], "item_code": r[2], "status": status_code_on(on, *r[4:9])}
        for r in matching]}


def _keys(query: VerifyQuery) -> tuple[str, str, str]:
    """Cheap normalisation only; full validation waits until a key is not found."""
    id_no = ids.normalise_id_no(query.id_no) if query.id_no else ""
    if len(id_no) == 15 and id_no.isdigit():
        id_no = ids.upgrade_legacy_id(id_no)
    cert_no = normalise_cert_no(query.cert_no) if query.cert_no else ""
    return id_no, cert_no, normalise_name(query.name)


def _error(query: VerifyQuery) -> dict | None:
    try:
        _clean(query)
    except AppError as exc:
        return {"result": "error", **exc.as_dict()}
    return None


def verify_many(*, queries: list[VerifyQuery], user: UserLike = None, channel: str = "batch",
                on: date | None = None, detail: bool = True) -> list[dict]:
    """One answer per query, in order; one audit entry for the whole batch."""
    on = on or today()
    on_text = on.isoformat()
    keys = [_keys(q) for q in queries]
    by_id = _fetch("id_no", {k[0] for k in keys if k[0]}, compact=not detail)
    by_cert = _fetch("cert_no", {k[1] for k in keys if k[1] and not k[0]}, compact=not detail)
    cert_at = AT["cert_no"] if detail else CAT["cert_no"]
    answers = []
    for query, (id_no, cert_no, name) in zip(queries, keys, strict=True):
        rows = by_id.get(id_no, []) if id_no else by_cert.get(cert_no, [])
        if id_no and cert_no:
            rows = [r for r in rows if r[cert_at] == cert_no]
        if not rows or not name:
            problem = _error(query)
            if problem:
                answers.append(problem)
                continue
        if detail:
            answers.append(build_answer(rows=[dict(zip(FIELDS, r, strict=True)) for r in rows],
                                        name=name, id_no=id_no, cert_no=cert_no,
                                        on=query.on or on))
        else:
            answers.append(_compact(rows, name,
                                    query.on.isoformat() if query.on else on_text))
    _audit(keys, answers, user=user, channel=channel)
    return answers


def _audit(keys: list[tuple[str, str, str]], answers: list[dict], *, user: UserLike,
           channel: str, per_entry: int = 1000) -> None:
    """Every key is in the log: one entry per thousand keys, with each key's result."""
    for start in range(0, len(keys), per_entry):
        part = keys[start:start + per_entry]
        results = [a["result"] for a in answers[start:start + per_entry]]
        counts: dict[str, int] = defaultdict(int)
        for result in results:
            counts[result] += 1
        audit_query(object_type="registry.certificate", key=f"{len(part)} 条", user=user,
                    summary=f"{channel}批量核验 {len(part)} 条",
                    data={"channel": channel, "count": len(part), "results": dict(counts),
                          "keys": [[k[0] or k[1], k[2], r] for k, r in zip(part, results,
                                                                          strict=True)]})
