"""Database triggers: sealed audit entries cannot be updated, none younger than 180 days
deleted. The hash chain detects what someone with full database rights does anyway."""

from __future__ import annotations

SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS core_audit_no_update BEFORE UPDATE ON core_auditentry
       WHEN OLD.hash <> '' BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_audit_no_delete BEFORE DELETE ON core_auditentry
       WHEN OLD.at > datetime('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'audit entries are kept for 180 days'); END""",
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS core_audit_no_update",
                 "DROP TRIGGER IF EXISTS core_audit_no_delete"]
POSTGRES_INSTALL = [
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
    "DROP TRIGGER IF EXISTS core_audit_guard ON core_auditentry",
    """CREATE TRIGGER core_audit_guard BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_audit_guard()""",
]
POSTGRES_REMOVE = ["DROP TRIGGER IF EXISTS core_audit_guard ON core_auditentry"]


def _run(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_audit_guards(connection) -> None:
    _run(connection, POSTGRES_INSTALL if connection.vendor == "postgresql" else SQLITE_INSTALL)


def remove_audit_guards(connection) -> None:
    _run(connection, POSTGRES_REMOVE if connection.vendor == "postgresql" else SQLITE_REMOVE)
