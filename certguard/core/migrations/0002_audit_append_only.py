from django.db import migrations


def install(apps, schema_editor):
    from certguard.core.dbguards import install_audit_guards

    install_audit_guards(schema_editor.connection)


def remove(apps, schema_editor):
    from certguard.core.dbguards import remove_audit_guards

    remove_audit_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
