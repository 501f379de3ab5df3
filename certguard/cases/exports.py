"""Individuals' credit records for the personal credit platform (seed 000: 纳入个人信用体系
记录), as CSV and JSON — the format is documented in ``docs/credit-records.md``. Both go out
through ``core.exports`` (inert cells, the download's audit entry)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import IO

from django.utils import timezone

from certguard.cases.models import Listing
from certguard.core import exports

FORMAT, VERSION = "certguard-credit-records", 1
FIELDS = ("record_id", "id_no", "name", "role", "condition_code", "condition_version",
          "condition_title", "condition_source", "jurisdiction", "case_number", "decision_no",
          "decided_at", "published_at", "expires_at", "removed_at", "status", "authority",
          "authority_region")
HEADER = ("记录编号", "身份证号", "姓名", "身份", "列入情形代码", "情形版本", "列入情形", "依据",
          "适用地区", "案号", "决定书文号", "决定时间", "公示时间", "期满时间", "移出时间", "状态",
          "决定机关", "机关所在地区")


def _when(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def record(listing: Listing) -> dict[str, object]:
    party, condition = listing.party, listing.condition
    return {"record_id": f"CG-{listing.pk}", "id_no": party.id_no, "name": party.name,
            "role": party.get_kind_display(), "condition_code": condition.code,
            "condition_version": condition.version, "condition_title": condition.title,
            "condition_source": condition.source, "jurisdiction": condition.jurisdiction or "全国",
            "case_number": listing.case.number, "decision_no": listing.decision_no,
            "decided_at": _when(listing.decided_at), "published_at": _when(listing.published_at),
            "expires_at": _when(listing.expires_at), "removed_at": _when(listing.removed_at),
            "status": listing.status, "authority": listing.organisation.name,
            "authority_region": listing.region_id}


def csv_chunks(listings: Iterable[Listing]) -> Iterator[str]:
    return exports.csv_chunks(HEADER, ([record(row)[f] for f in FIELDS] for row in listings))


def json_file(listings: Iterable[Listing]) -> IO[bytes]:
    document = {"format": FORMAT, "version": VERSION,
                "generated_at": _when(timezone.now()), "fields": list(FIELDS),
                "records": [record(row) for row in listings]}
    return io.BytesIO(json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
