"""Database triggers: sealed audit entries cannot be updated, none younger than 180 days
deleted. The hash chain detects what someone with full database rights does anyway."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_audit_no_update BEFORE UPDATE ON core_auditentry
       WHEN OLD.hash <> '' BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER core_audit_no_delete BEFORE DELETE ON core_auditentry
       WHEN OLD.at > datetime('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'audit entries are kept for 180 days'); END""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_audit_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.hash <> '' THEN
           RAISE EXCEPTION 'audit entries are append-only';
         END IF;
         IF TG_OP = 'DELETE' AND OLD.at > now() - interval '180 days' THEN
           RAISE EXCEPTION 'audit entries are kept for 180 days';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_audit_guard BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_audit_guard()""",
]


def create(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_audit_guard ON core_auditentry")
        schema_editor.execute("DROP FUNCTION IF EXISTS core_audit_guard()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS core_audit_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS core_audit_no_delete")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
