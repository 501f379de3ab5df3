"""The change log: every change of an ``Audited`` model goes to the audit log with the values
before and after, whatever the path (GB/T 22239-2019 8.1.4.3 b: date, user, event, result).

- ``save()`` / ``delete()``: the signals below. The values before come from what the instance
  was loaded with (remembered in ``from_db``, as Django's documentation suggests), so a save
  costs no extra query; only an instance that was never loaded is looked up once.
- ``QuerySet.update()``, ``bulk_create``, ``bulk_update``, queryset ``delete()``: the audited
  queryset every Audited model gets (``certguard.core.audit_writes``).
- Raw SQL: ``audit_writes.audited_sql``, the one helper allowed to write with SQL.

A test parses the product's source and fails on a write that bypasses all three.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from certguard.core.audit import audit_bulk, audit_record, plain
from certguard.core.audit_writes import (
    AuditedQuerySet,
    audit_label,
    auto_now_fields,
    collected_deletes,
    current_values,
    redacted,
)


class Audited(models.Model):
    """Abstract base (first among the bases): changes of this model are audited without
    further thought. ``audit_exclude`` names fields never copied into the log."""

    audit_exclude: ClassVar[tuple[str, ...]] = ()

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = (field_names, values)  # references, not a copy
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        remember(self, only=fields)


def loaded_values(instance: Audited) -> dict | None:
    """What the database held when the instance was loaded or last saved (None: unknown)."""
    loaded = getattr(instance, "_audit_loaded", None)
    if isinstance(loaded, tuple):
        names, values = loaded
        loaded = instance._audit_loaded = {n: plain(v) for n, v in zip(names, values,
                                                                      strict=True)}
    return loaded


def remember(instance: Audited, *, only=None) -> None:
    values = current_values(instance)
    if only is not None:
        attnames = {instance._meta.get_field(name).attname for name in only}
        values = {**(loaded_values(instance) or {}),
                  **{k: v for k, v in values.items() if k in attnames}}
    instance._audit_loaded = values


def _look_up_before(sender, instance, raw=False, **kwargs) -> None:
    """An instance saved without having been loaded (built with a pk): one query, once."""
    if raw or instance.pk is None or getattr(instance, "_audit_loaded", None) is not None:
        return
    names = [f.attname for f in sender._meta.concrete_fields]
    row = sender._base_manager.using(kwargs.get("using")).filter(pk=instance.pk).values_list(
        *names).first()
    instance._audit_loaded = {n: plain(v) for n, v in zip(names, row, strict=True)} if row else {}


def _log_save(sender, instance, created, update_fields=None, raw=False, **kwargs) -> None:
    if raw:
        return
    after = current_values(instance)
    label = audit_label(sender)
    if created:
        audit_record(action="create", object_type=label, object_id=instance.pk,
                     summary=str(instance)[:300], data={"after": redacted(sender, after)})
        instance._audit_loaded = after
        return
    before = loaded_values(instance) or {}
    names = after.keys() - auto_now_fields(sender)
    if update_fields:
        names &= {sender._meta.get_field(n).attname for n in update_fields}
    changed = sorted(n for n in names if before.get(n, after[n]) != after[n] or n not in before)
    instance._audit_loaded = {**before, **after}
    if not changed:  # a save that changed nothing is not a change
        return
    data = {"before": redacted(sender, {n: before.get(n) for n in changed}),
            "after": redacted(sender, {n: after[n] for n in changed})}
    if update_fields:
        data = {"fields": sorted(update_fields), **data}
    audit_record(action="update", object_type=label, object_id=instance.pk,
                 summary=str(instance)[:300], data=data)


def _log_delete(sender, instance, **kwargs) -> None:
    before = redacted(sender, current_values(instance))
    groups = collected_deletes()
    if groups is not None:  # a queryset delete: one entry per chunk, written by the queryset
        groups.setdefault(audit_label(sender), []).append({"id": instance.pk, "before": before,
                                                           "after": None})
        return
    audit_record(action="delete", object_type=audit_label(sender), object_id=instance.pk,
                 summary=str(instance)[:300], data={"before": before})


def _nulling_relations(model) -> list:
    """Relations whose rows an Audited model would see cleared when ``model`` is deleted."""
    return [rel for rel in model._meta.related_objects
            if issubclass(rel.related_model, Audited)
            and rel.on_delete in (models.SET_NULL, models.SET_DEFAULT)]


def _log_cleared_references(sender, instance, **kwargs) -> None:
    """ON DELETE SET NULL / SET DEFAULT: Django updates the referring rows without signals."""
    for rel in _nulling_relations(sender):
        field = rel.field
        after = plain(None if rel.on_delete is models.SET_NULL else field.get_default())
        rows = rel.related_model._base_manager.filter(**{field.name: instance}).values_list(
            "pk", field.attname)
        audit_bulk(object_type=audit_label(rel.related_model), action="update",
                   changes=({"id": pk, "before": {field.attname: plain(value)},
                             "after": {field.attname: after}} for pk, value in rows),
                   summary=f"删除{sender._meta.verbose_name}后清空引用")


def connect_change_log(all_models) -> None:
    """Connect the receivers to each Audited model only: the others keep Django's fast
    delete path (no signal listeners, no rows fetched)."""
    for model in all_models:
        if _nulling_relations(model):
            pre_delete.connect(_log_cleared_references, sender=model,
                               dispatch_uid=f"certguard-audit-cleared-{model._meta.label_lower}")
        if issubclass(model, Audited) and not model._meta.abstract:
            uid = f"certguard-audit-{model._meta.label_lower}"
            pre_save.connect(_look_up_before, sender=model, dispatch_uid=uid + "-pre")
            post_save.connect(_log_save, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(_log_delete, sender=model, dispatch_uid=uid + "-delete")
