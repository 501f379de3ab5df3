"""A fast INSERT of many clues: one executemany per batch, no model instances.

``bulk_create`` spends most of its time compiling SQL per object (about 3,000 clues/s here);
the same rows through ``executemany`` go several times faster. Values are prepared the way the
fields would prepare them (JSON once per row, the timestamp once per batch). The rows go to
the change log through ``audited_sql``, one entry per thousand clues."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from certguard.clues.models import Clue
from certguard.core.audit import plain
from certguard.core.audit_writes import audited_sql

_FIELDS = [f for f in Clue._meta.concrete_fields if not f.primary_key]
_EVIDENCE = Clue._meta.get_field("evidence")
_CREATED = Clue._meta.get_field("created_at")
_DEFAULTS = {"status": Clue.Status.NEW.value, "assignee_id": None, "reason": "",
             "decided_at": None, "decided_by_id": None, "source_id": None, "region_id": None,
             "organisation_id": None}


def _sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column or f.name) for f in _FIELDS)
    marks = ", ".join(["%s"] * len(_FIELDS))
    return f"INSERT INTO {quote(Clue._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608


def insert_clues(rows: list[dict]) -> None:
    """Insert clues given as {attname: value}; missing fields take the model's defaults."""
    if not rows:
        return
    stamp = _CREATED.get_db_prep_save(timezone.now(), connection)
    fixed = {**_DEFAULTS, "created_at": stamp, "updated_at": stamp}
    params, changes = [], []
    for row in rows:
        values = {**fixed, **row, "evidence": _EVIDENCE.get_db_prep_save(row.get("evidence")
                                                                         or {}, connection)}
        params.append(tuple(values[f.attname] for f in _FIELDS))
        changes.append({"id": None, "before": None,
                        "after": {k: plain(v) for k, v in row.items()}})
    audited_sql(sql=_sql(), rows=params, object_type="clues.clue", action="create",
                changes=changes, summary="批量导入线索", batch=len(params))
