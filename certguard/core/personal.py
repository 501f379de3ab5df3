"""Personal data is logged where it is read: by the selector that returns it.

``logged_reads(queryset, fields=..., summary=..., user=...)`` returns the same queryset, which
writes an audit entry (``audit_read``) naming the rows whenever rows are actually fetched from
it or from anything derived from it — a page of a list, ``first()``, an export's
``iterator()``, a serializer. Counting, ``exists()`` and aggregates that select no personal
field fetch no personal data and log nothing. So a page, an API endpoint or an export cannot
forget to log: there is nothing to remember.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from certguard.core.audit import audit_read
from certguard.core.scoping import UserLike


@dataclass(frozen=True)
class ReadLog:
    fields: tuple[str, ...]
    summary: str
    user: UserLike
    object_type: str
    id_field: str = "pk"


def _ids(rows: list[Any], log: ReadLog, selected: tuple[str, ...] | None) -> list[object]:
    if selected is None:  # model instances
        return [getattr(row, log.id_field) for row in rows]
    key = "pk" if "pk" in selected else "id" if "id" in selected else ""
    if isinstance(rows[0], dict):
        return [row[key] for row in rows] if key else [f"{len(rows)} 条"]
    index = selected.index(key) if key else None
    return [row[index] for row in rows] if index is not None else [f"{len(rows)} 条"]


class LoggedReadsMixin:
    """Mixed into the queryset's own class; ``_read_log`` travels with every clone."""

    _read_log: ReadLog | None = None

    def _clone(self):
        clone = super()._clone()
        clone._read_log = self._read_log
        return clone

    def _selected(self) -> tuple[str, ...] | None:
        fields = getattr(self, "_fields", None)
        if self._iterable_class.__name__ == "ModelIterable":  # type: ignore[attr-defined]
            return None
        return tuple(fields or ())

    def _shows_personal(self, selected: tuple[str, ...] | None) -> bool:
        if self._read_log is None:
            return False
        return selected is None or bool(set(selected) & set(self._read_log.fields)) \
            or not selected  # values() with no field list selects every column

    def _log(self, rows: list[Any]) -> None:
        selected = self._selected()
        if rows and self._shows_personal(selected):
            log = self._read_log
            assert log is not None
            audit_read(object_type=log.object_type, object_ids=_ids(rows, log, selected),
                       fields=log.fields, summary=log.summary, user=log.user)

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None  # type: ignore[attr-defined]
        super()._fetch_all()  # type: ignore[misc]
        if fresh:
            self._log(self._result_cache)  # type: ignore[attr-defined]

    def iterator(self, chunk_size: int | None = None) -> Iterator[Any]:
        rows = super().iterator(chunk_size=chunk_size)  # type: ignore[misc]
        return self._logged_chunks(rows, chunk_size or 2000)

    def _logged_chunks(self, rows: Iterable[Any], size: int) -> Iterator[Any]:
        chunk: list[Any] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= size:
                self._log(chunk)
                yield from chunk
                chunk = []
        self._log(chunk)
        yield from chunk


_classes: dict[type, type] = {}


def _logged_class(cls: type) -> type:
    if issubclass(cls, LoggedReadsMixin):
        return cls
    if cls not in _classes:
        _classes[cls] = type(f"LoggedReads{cls.__name__}", (LoggedReadsMixin, cls), {})
    return _classes[cls]


def logged_reads(queryset: QuerySet, *, fields: Iterable[str], summary: str, user: UserLike,
                 object_type: str = "", id_field: str = "pk") -> QuerySet:
    """The queryset, logging the personal ``fields`` of every row it hands out."""
    clone = queryset._chain()  # type: ignore[attr-defined]
    clone.__class__ = _logged_class(type(queryset))
    clone._read_log = ReadLog(fields=tuple(fields), summary=summary, user=user,
                              object_type=object_type or queryset.model._meta.label_lower,
                              id_field=id_field)
    return clone
