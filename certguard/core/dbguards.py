"""Database triggers on the audit tables (GB/T 22239-2019 8.1.4.3 c).

Entries: inserted only as pending rows (no seq, no hash: only the sealer numbers them); a
pending row may only receive its seq and hashes, never a changed word of its content; a sealed
row never changes; none younger than 180 days is deleted. Seals: never changed nor deleted.
The signatures, the chain and the anchor detect what someone with full database rights does
anyway (dropping the triggers first).
"""

from __future__ import annotations

CONTENT_COLUMNS = ("id", "uid", "at", "actor_id", "actor", "organisation_id", "action",
                   "object_type", "object_id", "summary", "data", "ip", "key_id", "mac")


def _changed(distinct: str) -> str:
    return " OR ".join(f"NEW.{c} {distinct} OLD.{c}" for c in CONTENT_COLUMNS)


SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS core_audit_no_forged_insert BEFORE INSERT ON core_auditentry
       WHEN NEW.seq IS NOT NULL OR NEW.hash <> '' OR NEW.prev_hash <> ''
       BEGIN SELECT RAISE(ABORT, 'audit entries are inserted unsealed'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS core_audit_no_update BEFORE UPDATE ON core_auditentry
       WHEN OLD.hash <> '' OR {_changed("IS NOT")}
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_audit_no_delete BEFORE DELETE ON core_auditentry
       WHEN OLD.at > datetime('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'audit entries are kept for 180 days'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditseal_no_update BEFORE UPDATE ON core_auditseal
       BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditseal_no_delete BEFORE DELETE ON core_auditseal
       BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END""",
]
SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "core_audit_no_forged_insert", "core_audit_no_update", "core_audit_no_delete",
    "core_auditseal_no_update", "core_auditseal_no_delete")]
POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION core_audit_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'INSERT' AND (NEW.seq IS NOT NULL OR NEW.hash <> ''
                                  OR NEW.prev_hash <> '') THEN
           RAISE EXCEPTION 'audit entries are inserted unsealed';
         END IF;
         IF TG_OP = 'UPDATE' AND (OLD.hash <> '' OR {_changed("IS DISTINCT FROM")}) THEN
           RAISE EXCEPTION 'audit entries are append-only';
         END IF;
         IF TG_OP = 'DELETE' AND OLD.at > now() - interval '180 days' THEN
           RAISE EXCEPTION 'audit entries are kept for 180 days';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS core_audit_guard ON core_auditentry",
    """CREATE TRIGGER core_audit_guard BEFORE INSERT OR UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_audit_guard()""",
    # ALWAYS: an ordinary trigger does not fire in a session whose session_replication_role
    # is replica (the registry's bulk import sets it to skip foreign-key checks); the guard
    # must hold there too.
    "ALTER TABLE core_auditentry ENABLE ALWAYS TRIGGER core_audit_guard",
    """CREATE OR REPLACE FUNCTION core_auditseal_guard() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit seals are append-only'; END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS core_auditseal_guard ON core_auditseal",
    """CREATE TRIGGER core_auditseal_guard BEFORE UPDATE OR DELETE ON core_auditseal
       FOR EACH ROW EXECUTE FUNCTION core_auditseal_guard()""",
    "ALTER TABLE core_auditseal ENABLE ALWAYS TRIGGER core_auditseal_guard",
]
POSTGRES_REMOVE = ["DROP TRIGGER IF EXISTS core_audit_guard ON core_auditentry",
                   "DROP TRIGGER IF EXISTS core_auditseal_guard ON core_auditseal"]


def _run(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_audit_guards(connection) -> None:
    _run(connection, POSTGRES_INSTALL if connection.vendor == "postgresql" else SQLITE_INSTALL)


def remove_audit_guards(connection) -> None:
    _run(connection, POSTGRES_REMOVE if connection.vendor == "postgresql" else SQLITE_REMOVE)
