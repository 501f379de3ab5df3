from django.db import migrations


def install_guards(apps, schema_editor):
    # PostgreSQL: the guards fire in a session_replication_role = replica session too
    # (the registry's bulk import). The installation is idempotent on both databases.
    from certguard.core.dbguards import install_audit_guards

    install_audit_guards(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0005_merge_jobs_lease_security_ratecounter"),
    ]

    operations = [
        migrations.RunPython(install_guards, migrations.RunPython.noop),
    ]
