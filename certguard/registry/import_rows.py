"""The checks of one imported row: the contract's formats, the registry's rules (GB 11643 ID
numbers, the catalogue's items, Order No. 30's certificate numbers) and the importer's remit.

One reason per rejected row (the first problem found), so that rows read = accepted + rejected
always holds. Checks that need other rows (duplicates, one name per ID number, certificates of
another authority) run set-based on the staged file: see import_store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter

from certguard import ids
from certguard.registry.import_ids import IdBatch, parts
from certguard.registry.import_source import COLUMNS, has_control
from certguard.registry.names import normalise_cert_no, normalise_name
from certguard.rules.schema import CERTIFICATES, FAMILIES, STATUSES

AT = {name: i for i, name in enumerate(COLUMNS)}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{1,20}")  # already normal: NFKC leaves it alone
_PLAIN_NO = re.compile(r"[0-9A-Z]{1,40}")
_NOT_IN_NAMES = re.compile(r"[0-9<>\"'&;=/\\{}\[\]()@#$%^*+|~`!?]")
LIMITS = {"cert_no": 40, "name": 50, "item_code": 10, "issuer_code": 20, "source": 20}
LABELS = {"cert_no": "证书编号", "id_no": "身份证号", "name": "姓名", "sex": "性别",
          "birth_date": "出生日期", "family": "证书类别", "item_code": "操作项目代码",
          "issuer_code": "发证机关代码", "first_issued": "初次领证日期", "valid_from": "有效期起",
          "valid_until": "有效期至", "review_due": "应复审日期", "last_review": "最近复审日期",
          "status": "登记状态", "source": "数据来源"}
TEXT_COLUMNS = ("cert_no", "name", "family", "item_code", "issuer_code", "status", "source", "sex")
TEXT_AT = [AT[c] for c in TEXT_COLUMNS]
ID_AT = AT["id_no"]
REQUIRED_TEXT = [c for c in TEXT_COLUMNS if c in CERTIFICATES.required]
# first_issued, valid_from, valid_until, review_due, last_review, then birth_date (checked only)
DATE_COLUMNS = [(c, AT[c], c in CERTIFICATES.required) for c in (
    "first_issued", "valid_from", "valid_until", "review_due", "last_review", "birth_date")]
DATE_NAMES = [(c, required) for c, _, required in DATE_COLUMNS]
_TEXTS = itemgetter(*TEXT_AT)
_DATES = itemgetter(*(i for _, i, _ in DATE_COLUMNS))
STAGE_FIELDS = ("line", "cert_no", "id_no", "name", "sex", "birth_date", "family", "item_code",
                "issuer_code", "issuer_id", "first_issued", "valid_from", "valid_until",
                "review_due", "last_review", "status", "source")


class Reject(Exception):
    def __init__(self, column: str, code: str, message: str) -> None:
        super().__init__(message)
        self.column, self.code, self.message = column, code, message


@dataclass(frozen=True)
class Remit:
    """What the importer may write: every authority (None), or one authority's families."""

    issuer_code: str | None = None
    families: frozenset[str] = frozenset(FAMILIES)
    authority_name: str = ""


def _text(value: object) -> str:
    if value.__class__ is str:
        return value.strip()
    return "" if value is None else str(value)


def _date(column: str, value: object, required: bool) -> str | None:
    if type(value) is date:
        return value.isoformat()
    if isinstance(value, datetime):
        return value.date().isoformat()
    text = _text(value)
    if not text:
        if required:
            raise Reject(column, "E_REQUIRED", f"{LABELS[column]}（{column}）为空")
        return None
    if _DATE.fullmatch(text):
        try:
            date.fromisoformat(text)
            return text
        except ValueError:
            pass
    raise Reject(column, "E_DATE", f"{LABELS[column]}（{column}）不是有效日期，格式应为 YYYY-MM-DD")


class RowChecker:
    def __init__(self, *, items: set[tuple[str, str]], issuers: dict[str, int],
                 remit: Remit, today: date, id_batch: IdBatch | None = None) -> None:
        self.items, self.issuers, self.remit, self.today = items, issuers, remit, today
        self.id_cache: dict[str, ids.IdCheck] = {}
        self.dates_seen: set[str] = set()
        self.valid_ids: set[str] = set()
        self.id_batch = id_batch

    def new_chunk(self, rows: list) -> None:
        """Check the chunk's ID numbers together first (import_ids)."""
        if len(self.id_cache) > 200_000:  # bounded memory whatever the file's size
            self.id_cache.clear()
        if self.id_batch is not None:
            self.valid_ids = self.id_batch.valid([values[ID_AT] for _, values in rows])

    def check(self, line: int, values: tuple | list) -> tuple:
        """The staged row (STAGE_FIELDS order), or raise Reject. Hot: millions of calls, so
        plain locals and fast paths for values that are already clean."""
        cert_no, name, family, item_code, issuer_code, status, source, sex = [
            v.strip() if v.__class__ is str else _text(v) for v in _TEXTS(values)]
        if not (cert_no and name and family and item_code and issuer_code and status):
            column = next(c for c in REQUIRED_TEXT if not _text(values[AT[c]]))
            raise Reject(column, "E_REQUIRED", f"{LABELS[column]}（{column}）为空")
        if has_control(cert_no + name + family + item_code + issuer_code + status + source
                       + sex):
            self._control(values)
        if not _CJK_NAME.fullmatch(name):
            name = normalise_name(name)
            if _NOT_IN_NAMES.search(name):
                raise Reject("name", "E_NAME", "姓名含有姓名中不应出现的字符（数字、符号或标记）")
        if not _PLAIN_NO.fullmatch(cert_no):
            cert_no = normalise_cert_no(cert_no)
        holder_id, holder_sex, birth = self._id(values[ID_AT])
        self._formats(family, status, sex, cert_no, name, item_code, issuer_code, source)
        if self.remit.issuer_code is not None or family not in self.remit.families:
            self._scope(issuer_code, family)
        if (family, item_code) not in self.items:
            raise Reject("item_code", "item_unknown",
                         f"证书类别 {family} 中没有操作项目 {item_code}")
        seen = self.dates_seen
        first, start, end, due, last, _ = [
            v if (v in seen if v.__class__ is str else v is None and not required)
            else self._date(c, v, required) for (c, required), v in zip(
                DATE_NAMES, _DATES(values), strict=True)]
        if (start or "") > (end or ""):  # both required: never None here
            raise Reject("valid_until", "period_inverted", "有效期止早于有效期起")
        if family == "special_ops" and cert_no != "T" + holder_id:
            raise Reject("cert_no", "certno_id_mismatch", "特种作业操作证编号应为“T+身份证号”")
        return (line, cert_no, holder_id, name, holder_sex, birth, family, item_code,
                issuer_code, self.issuers.get(issuer_code), first, start, end, due, last, status,
                source)

    def _date(self, column: str, value: object, required: bool) -> str | None:
        """Checked dates are remembered: a registry holds a few thousand distinct dates."""
        text = _date(column, value, required)
        if text is not None and text == value and len(self.dates_seen) < 100_000:
            self.dates_seen.add(value)
        return text

    def _control(self, values: tuple | list) -> None:
        for column, i in zip(TEXT_COLUMNS, TEXT_AT, strict=True):
            if has_control(_text(values[i])):
                raise Reject(column, "E_CONTROL_CHAR",
                             f"{LABELS[column]}含有控制字符（如换行、制表、ESC），请清理后再导入")

    def _id(self, raw: object) -> tuple[str, str, str | None]:
        """(18-character ID number, sex, ISO birth date), or raise Reject."""
        if raw in self.valid_ids:
            return (raw, *parts(raw))
        key = raw if isinstance(raw, str) else str(raw or "")
        check = self.id_cache.get(key)
        if check is None:
            check = self.id_cache[key] = ids.check_id_no(raw, as_of=self.today)
        if not check.ok:
            raise Reject("id_no", check.code, check.message)
        if len(check.id_no) == 15:
            check = ids.check_id_no(ids.upgrade_legacy_id(check.id_no), as_of=self.today)
        birth = check.birth_date.isoformat() if check.birth_date else None
        return check.id_no, check.sex or "", birth

    def _formats(self, family: str, status: str, sex: str, cert_no: str, name: str,
                 item_code: str, issuer_code: str, source: str) -> None:
        if family not in FAMILIES:
            raise Reject("family", "E_ENUM", "证书类别应为 " + " / ".join(FAMILIES))
        if status not in STATUSES:
            raise Reject("status", "E_ENUM", "登记状态应为 " + " / ".join(STATUSES))
        if sex and sex not in ("男", "女"):
            raise Reject("sex", "E_ENUM", "性别应为 男 / 女")
        if len(cert_no) <= 40 and len(name) <= 50 and len(item_code) <= 10 \
                and len(issuer_code) <= 20 and len(source) <= 20:  # LIMITS, the common case
            return
        for column, value in (("cert_no", cert_no), ("name", name), ("item_code", item_code),
                              ("issuer_code", issuer_code), ("source", source)):
            if len(value) > LIMITS[column]:
                raise Reject(column, "E_TOO_LONG",
                             f"{LABELS[column]}超过{LIMITS[column]}个字符（实际{len(value)}个）")

    def _scope(self, issuer_code: str, family: str) -> None:
        remit = self.remit
        if remit.issuer_code is not None and issuer_code != remit.issuer_code:
            raise Reject("issuer_code", "E_ISSUER_SCOPE",
                         f"发证机关代码 {issuer_code} 不是本机关（{remit.authority_name}，"
                         f"{remit.issuer_code}），只能导入本机关核发的证书")
        if family not in remit.families:
            raise Reject("family", "E_FAMILY_SCOPE",
                         f"本机关不负责核发 {family} 类证书，不能导入")
