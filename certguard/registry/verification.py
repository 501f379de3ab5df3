"""The answer to "is this certificate genuine and valid on this day?".

Both a key (ID number or certificate number) and the holder's name are always required —
never a search by name alone. Public answers mask the ID number and do not say whether a
number exists under another name. Every query is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connections

from certguard import ids
from certguard.catalog.services import family_names, item_names
from certguard.core.audit import audit_query
from certguard.core.db_router import lookup_alias
from certguard.core.errors import AppError
from certguard.core.memo import cached_get, ttl_cached
from certguard.core.scoping import UserLike
from certguard.orgs.models import Organisation
from certguard.registry.lifecycle import status_on
from certguard.registry.lookup_sql import BY_BOTH, BY_CERT_NO, BY_ID_NO, DATE_FIELDS, FIELDS
from certguard.registry.names import normalise_cert_no, normalise_name
from certguard.registry.services import canonical_id_no, today


@dataclass(frozen=True, slots=True)
class VerifyQuery:
    name: str
    id_no: str = ""
    cert_no: str = ""
    on: date | None = None


def _clean(query: VerifyQuery) -> tuple[str, str, str]:
    """(id_no in 18-character form or "", cert_no or "", name) — or a specific AppError."""
    name = normalise_name(query.name)
    if not name:
        raise AppError("name_required", "请填写持证人姓名（须同时填写身份证号或证书编号）",
                       fields={"name": ["必填"]})
    if not query.id_no and not query.cert_no:
        raise AppError("key_required", "请填写身份证号或证书编号，不支持仅凭姓名查询",
                       fields={"id_no": ["身份证号或证书编号至少填写一项"]})
    id_no = canonical_id_no(query.id_no).id_no if query.id_no else ""
    cert_no = normalise_cert_no(query.cert_no)
    return id_no, cert_no, name


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)  # SQLite hands dates back as text


def execute_raw(sql: str, params: list[str]) -> list[tuple]:
    """Straight on the driver's connection: Django's cursor wrapper costs more than the
    indexed lookup itself. SQLite's driver takes ? placeholders, psycopg %s. Reads only:
    a write here would bypass the change log (writes go through ``audited_sql``)."""
    if sql.lstrip()[:6].upper() != "SELECT":
        raise ValueError("execute_raw only reads; write with core.audit_writes.audited_sql")
    db = connections[lookup_alias()]
    db.ensure_connection()
    raw = db.connection
    if db.vendor == "sqlite":
        return raw.execute(sql.replace("%s", "?"), params).fetchall()
    with raw.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def find_certificates(*, id_no: str = "", cert_no: str = "") -> list[dict]:
    """Registry rows by ID number and/or certificate number (both already normalised)."""
    if id_no and cert_no:
        sql, params = BY_BOTH, [id_no, cert_no]
    else:
        sql, params = (BY_ID_NO, [id_no]) if id_no else (BY_CERT_NO, [cert_no])
    rows = [dict(zip(FIELDS, values, strict=True)) for values in execute_raw(sql, params)]
    for row in rows:
        for name in DATE_FIELDS:
            row[name] = _as_date(row[name])
    return rows


@ttl_cached(60)
def _issuer_names() -> dict[int, str]:
    return dict(Organisation.objects.exclude(issuer_code="").values_list("pk", "name"))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _describe(row: dict, on: date) -> dict:
    state = status_on(on=on, record_status=row["status"], valid_from=row["valid_from"],
                      valid_until=row["valid_until"], review_due=row["review_due"],
                      last_review=row["last_review"], status_reason=row["status_reason"])
    # A special-operations number is "T" + the ID number: mask it like the ID itself.
    cert_no = row["cert_no"].replace(row["id_no"], ids.mask_id_no(row["id_no"]))
    family = row["family_id"]
    return {
        "cert_no": cert_no, "family": family,
        "family_name": cached_get(family_names, family, family),
        "item_code": row["item_code"],
        "item_name": cached_get(item_names, (family, row["item_code"]), row["item_code"]),
        "issuer_code": row["issuer_code"],
        "issuer_name": cached_get(_issuer_names, row["issuer_id"], ""),
        "first_issued": _iso(row["first_issued"]), "valid_from": _iso(row["valid_from"]),
        "valid_until": _iso(row["valid_until"]), "review_due": _iso(row["review_due"]),
        "last_review": _iso(row["last_review"]), "status": state.as_dict(),
    }


def verify_certificate(*, query: VerifyQuery, user: UserLike = None, channel: str = "web") -> dict:
    """One verification. The result is "found" or "not_found", for every caller: nobody
    learns that a number exists under another name, or whose it is, without both the number
    and the name (staff read more only through their scoped, audited pages)."""
    id_no, cert_no, name = _clean(query)
    on = query.on or today()
    rows = find_certificates(id_no=id_no, cert_no=cert_no)
    answer = build_answer(rows=rows, name=name, id_no=id_no, cert_no=cert_no, on=on)
    result, matching = answer["result"], answer["certificates"]
    audit_query(object_type="registry.certificate", key=id_no or cert_no, user=user,
                summary=f"{channel}查询证书：{result}",
                data={"channel": channel, "by": "id_no" if id_no else "cert_no",
                      "key": id_no or cert_no, "name": name, "result": result,
                      "count": len(matching)})
    return answer


def build_answer(*, rows: list[dict], name: str, id_no: str, cert_no: str, on: date) -> dict:
    """The answer for one query from its registry rows: a number registered under another
    name answers exactly as a number never registered."""
    matching = [r for r in rows if r["name"] == name]
    result = "found" if matching else "not_found"
    holder_id = matching[0]["id_no"] if matching else id_no
    return {
        "result": result,
        "message": _MESSAGES[result],
        "query": {"name": name, "id_no_masked": ids.mask_id_no(id_no) if id_no else None,
                  "cert_no_masked": _mask_cert_no(cert_no) if cert_no else None,
                  "on": on.isoformat()},
        "holder": {"name": name, "id_no_masked": ids.mask_id_no(holder_id),
                   "sex": ids.check_id_no(holder_id).sex or ""} if matching else None,
        "certificates": [_describe(r, on) for r in matching],
    }


def _mask_cert_no(cert_no: str) -> str:
    if len(cert_no) == 19 and cert_no.startswith("T"):
        return "T" + ids.mask_id_no(cert_no[1:])
    return cert_no


_MESSAGES = {
    "found": "查询到以下证书，请核对证书状态和有效期",
    "not_found": "未查询到该持证人的证书：证书可能是伪造的，或身份证号、证书编号、姓名有误。"
                 "请到官方渠道核实，发现假证请拨打12350举报",
}
