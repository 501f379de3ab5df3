"""The four exchange files of the contract (spec/exchange-format.md): columns and types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["str", "id", "date", "timestamp", "number", "bool", "enum"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    required: bool
    kind: Kind = "str"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]
    # The columns that identify a row. Two rows with the same key: identical ones are one row
    # (loaded once, the copies counted and reported); differing ones are all rejected, since
    # nobody can tell which is right. The same policy for every file.
    key: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


FAMILIES = ("special_ops", "construction", "special_equipment", "safety_manager")
STATUSES = ("valid", "revoked", "cancelled", "suspended")

CERTIFICATES = FileSpec("certificates", (
    Column("cert_no", True),
    Column("id_no", True, "id"),
    Column("name", True),
    Column("sex", False, "enum", ("男", "女")),
    Column("birth_date", False, "date"),
    Column("family", True, "enum", FAMILIES),
    Column("item_code", True),
    Column("issuer_code", True),
    Column("first_issued", True, "date"),
    Column("valid_from", True, "date"),
    Column("valid_until", True, "date"),
    Column("review_due", False, "date"),
    Column("last_review", False, "date"),
    Column("status", True, "enum", STATUSES),
    Column("source", False),
), key=("cert_no", "family", "item_code", "source"))

ROSTER = FileSpec("roster", (
    Column("employer_code", True),
    Column("employer_name", False),
    Column("region_code", False),
    Column("sector", False),
    Column("worker_id_no", True, "id"),
    Column("worker_name", True),
    Column("post", False),
    Column("required_item_code", False),
    Column("cert_no", False),
    Column("on_post_from", True, "date"),
    Column("on_post_to", False, "date"),
), key=("employer_code", "worker_id_no", "post", "cert_no", "on_post_from"))

TRAINING = FileSpec("training", (
    Column("institution_code", True),
    Column("class_id", True),
    Column("trainee_id_no", True, "id"),
    Column("trainee_name", True),
    Column("item_code", True),
    Column("start_date", True, "date"),
    Column("end_date", True, "date"),
    Column("hours", True, "number"),
), key=("institution_code", "class_id", "trainee_id_no", "item_code", "start_date", "end_date",
       "hours"))  # a class recorded in sessions: one row per session, summed by R12

EXAMS = FileSpec("exams", (
    Column("exam_center_code", True),
    Column("candidate_id_no", True, "id"),
    Column("candidate_name", True),
    Column("item_code", True),
    Column("exam_date", True, "date"),
    Column("start_time", False, "timestamp"),
    Column("end_time", False, "timestamp"),
    Column("theory_score", False, "number"),
    Column("practical_score", False, "number"),
    Column("passed", True, "bool"),
), key=("exam_center_code", "candidate_id_no", "item_code", "exam_date", "start_time"))

KEY_LABELS: dict[str, str] = {
    "certificates": "证书编号、类别、操作项目和来源",
    "roster": "用人单位、身份证号、岗位、证书编号和上岗日期",
    "training": "培训机构、培训班、身份证号、操作项目、起止日期和学时",
    "exams": "考点、身份证号、操作项目、考试日期和开考时间",
}

SPECS: dict[str, FileSpec] = {s.name: s for s in (CERTIFICATES, ROSTER, TRAINING, EXAMS)}

CLUE_COLUMNS: tuple[str, ...] = (
    "rule", "severity", "subject", "cert_no", "id_no", "name", "employer_code",
    "institution_code", "exam_center_code", "detail", "evidence",
)
# Sort order of the output: rule, then the keys (then the rest, so ties are deterministic).
CLUE_SORT: tuple[str, ...] = (
    "rule", "cert_no", "id_no", "employer_code", "institution_code", "exam_center_code",
    "name", "subject", "severity", "detail", "evidence",
)
