"""Set-based and raw-SQL writes of audited models, audited with their values before and after.

``AuditedQuerySet`` is the queryset (and manager) of every ``Audited`` model: ``update()``,
``bulk_create()``, ``bulk_update()`` and ``delete()`` fetch the affected rows' values before
the write in one query per chunk, inside the write's transaction, and log one entry per
thousand rows (``audit.audit_bulk``). ``audited_sql`` is the only place the product may write
with raw SQL. A source test fails on any write that goes around them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from django.db import connections, models, transaction

from certguard.core.audit import audit_bulk, plain
from certguard.core.scoping import RestrictedQuerySet, UserLike

# Field names whose values never enter the log (their change does, as "***").
SECRET_FIELDS = frozenset({"password", "key", "secret", "token", "private_key"})
REDACTED = "***"
CHUNK = 900  # primary keys per IN (...): under SQLite's old limit of 999 parameters

_deletes: ContextVar[dict[str, list[dict]] | None] = ContextVar("certguard_deletes",
                                                                default=None)


def audit_label(model: type[models.Model]) -> str:
    return model._meta.label_lower


@cache
def _logged_fields(model: type[models.Model]) -> list:
    exclude = set(getattr(model, "audit_exclude", ()))
    return [f for f in model._meta.concrete_fields if f.attname not in exclude]


@cache
def auto_now_fields(model: type[models.Model]) -> frozenset[str]:
    """Time stamps that change on every save: the entry's own time says when."""
    return frozenset(f.attname for f in model._meta.concrete_fields
                     if getattr(f, "auto_now", False))


def current_values(instance: models.Model) -> dict:
    """The instance's loaded field values, JSON-ready (deferred fields left out)."""
    loaded = instance.__dict__
    return {f.attname: plain(loaded[f.attname]) for f in _logged_fields(type(instance))
            if f.attname in loaded}


def redacted(model: type[models.Model], values: dict | None) -> dict | None:
    if values is None:
        return None
    return {k: (REDACTED if k in SECRET_FIELDS else v) for k, v in values.items()}


def collected_deletes() -> dict[str, list[dict]] | None:
    return _deletes.get()


@contextmanager
def _collecting() -> Iterator[dict[str, list[dict]] | None]:
    """Gather the rows a queryset delete removes (cascades included), per model; the
    outermost delete writes them. Yields None inside an outer collection."""
    if _deletes.get() is not None:
        yield None
        return
    token = _deletes.set({})
    try:
        yield _deletes.get()
    finally:
        _deletes.reset(token)


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _diff(model, pk, before: dict, after: dict) -> dict | None:
    stamps = auto_now_fields(model)
    changed = [name for name, value in after.items()
               if before.get(name) != value and name not in stamps]
    if not changed:
        return None
    return {"id": pk, "before": redacted(model, {n: before.get(n) for n in changed}),
            "after": redacted(model, {n: after[n] for n in changed})}


class AuditedQuerySet(RestrictedQuerySet):
    """Every set-based write logs the rows it touched, before and after."""

    def _attnames(self, names: Iterable[str]) -> list[str]:
        return [getattr(self.model._meta.get_field(name), "attname", name) for name in names]

    def _values_by_pk(self, pks: Sequence, attnames: list[str]) -> dict:
        base = self.model._base_manager.using(self.db)
        values = {}
        for chunk in _chunks(pks):
            for pk, *row in base.filter(pk__in=chunk).values_list("pk", *attnames):
                values[pk] = {n: plain(v) for n, v in zip(attnames, row, strict=True)}
        return values

    def _locked_rows(self, attnames: list[str]) -> list[tuple]:
        rows = self
        if connections[self.db].features.has_select_for_update_of:
            rows = self.select_for_update(of=("self",))
        return list(rows.values_list("pk", *attnames))

    def update(self, **kwargs) -> int:
        if self.query.is_sliced:
            raise TypeError("Cannot update a query once a slice has been taken.")
        attnames = self._attnames(kwargs)
        expressions = any(hasattr(v, "resolve_expression") for v in kwargs.values())
        with transaction.atomic(using=self.db):
            rows = self._locked_rows(attnames)
            pks = [pk for pk, *_ in rows]
            base = self.model._base_manager.using(self.db)
            count = sum(base.filter(pk__in=chunk).update(**kwargs) for chunk in _chunks(pks))
            if expressions:
                after = self._values_by_pk(pks, attnames)
            else:
                fixed = {n: plain(v.pk if isinstance(v, models.Model) else v)
                         for n, v in zip(attnames, kwargs.values(), strict=True)}
                after = dict.fromkeys(pks, fixed)
            changes = (_diff(self.model, pk, dict(zip(attnames, map(plain, row), strict=True)),
                             after[pk]) for pk, *row in rows)
            audit_bulk(object_type=audit_label(self.model), action="update",
                       changes=(c for c in changes if c),
                       summary=f"批量修改{self.model._meta.verbose_name}")
        return count

    def bulk_create(self, objs, batch_size=None, ignore_conflicts=False, update_conflicts=False,
                    update_fields=None, unique_fields=None):
        if ignore_conflicts or update_conflicts:
            raise TypeError(
                f"{audit_label(self.model)} is audited: bulk_create with ignore_conflicts or "
                "update_conflicts cannot tell written rows from skipped ones; fetch the "
                "existing rows first and write with audited_sql()")
        objs = list(objs)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, batch_size=batch_size)
            audit_bulk(object_type=audit_label(self.model), action="create",
                       changes=({"id": o.pk, "before": None,
                                 "after": redacted(self.model, current_values(o))}
                                for o in created),
                       summary=f"批量新增{self.model._meta.verbose_name}")
        for obj in created:
            obj._audit_loaded = current_values(obj)
        return created

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        objs = list(objs)
        attnames = self._attnames(fields)
        with transaction.atomic(using=self.db):
            before = self._values_by_pk([o.pk for o in objs], attnames)
            # The plain queryset: Django's bulk_update calls update(), logged here instead.
            count = self.model._base_manager.using(self.db).bulk_update(objs, fields,
                                                                        batch_size=batch_size)
            changes = (_diff(self.model, o.pk, before.get(o.pk, {}),
                             {n: plain(getattr(o, n)) for n in attnames}) for o in objs)
            audit_bulk(object_type=audit_label(self.model), action="update",
                       changes=(c for c in changes if c),
                       summary=f"批量修改{self.model._meta.verbose_name}")
        for obj in objs:
            obj._audit_loaded = current_values(obj)
        return count

    def delete(self):
        with transaction.atomic(using=self.db), _collecting() as groups:
            result = super().delete()
            for label, changes in (groups or {}).items():
                audit_bulk(object_type=label, action="delete", changes=changes,
                           summary="批量删除")
        return result

    delete.alters_data = True  # type: ignore[attr-defined]  # as Django marks its own
    delete.queryset_only = True  # type: ignore[attr-defined]
    update.alters_data = True  # type: ignore[attr-defined]


def audited_sql(*, sql: str, rows: Sequence[Sequence], object_type: str, action: str,
                changes: Iterable[dict], summary: str = "", user: UserLike = None,
                batch: int = 5000, progress: Callable[[int, int], None] | None = None,
                using: str = "default") -> int:
    """The one way to write an audited table with raw SQL (GB/T 22239-2019 8.1.4.3).

    Runs ``sql`` once per parameter row in ``rows`` (``executemany``, ``batch`` rows at a
    time) and logs ``changes`` — the caller's ``{"id", "before", "after"}`` per written row,
    with the values before fetched set-based beforehand — through ``audit_bulk``, all in one
    transaction. Returns the number of rows logged.
    """
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            for start in range(0, len(rows), batch):
                cursor.executemany(sql, rows[start:start + batch])
                if progress:
                    progress(min(start + batch, len(rows)), len(rows))
        return audit_bulk(object_type=object_type, action=action, changes=changes,
                          summary=summary, user=user)
