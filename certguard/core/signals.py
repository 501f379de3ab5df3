"""The change log: every save and delete of an ``Audited`` model writes an audit entry."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from certguard.core.audit import audit_record

# Never copied into the log, whatever the model.
SECRET_FIELDS = frozenset({"password", "key", "secret", "token", "private_key"})


class Audited:
    """Mixin: saves and deletes of this model go to the audit log without further thought."""

    audit_exclude: tuple[str, ...] = ()


def _snapshot(instance: Audited) -> dict:
    values = {}
    for model_field in instance._meta.concrete_fields:
        name = model_field.attname
        if name in SECRET_FIELDS or name in instance.audit_exclude:
            continue
        value = getattr(instance, name)
        values[name] = value if isinstance(value, (int, float, bool, type(None))) else str(value)
    return values


def _label(instance: object) -> str:
    return instance._meta.label_lower


@receiver(post_save)
def log_save(sender, instance, created, update_fields=None, raw=False, **kwargs) -> None:
    if raw or not isinstance(instance, Audited):
        return
    data = _snapshot(instance)
    if update_fields:
        data = {"fields": sorted(update_fields), "values": {k: data.get(k) for k in
                                                           sorted(update_fields) if k in data}}
    audit_record(action="create" if created else "update", object_type=_label(instance),
                 object_id=instance.pk, summary=str(instance)[:300], data=data)


@receiver(post_delete)
def log_delete(sender, instance, **kwargs) -> None:
    if isinstance(instance, Audited):
        audit_record(action="delete", object_type=_label(instance), object_id=instance.pk,
                     summary=str(instance)[:300], data=_snapshot(instance))
