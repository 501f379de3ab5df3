"""Existing installations get the corrected region table: abolition years (a code is valid for
births up to and including the year it was abolished) and the codes created since 2020."""

from django.db import migrations


def sync(apps, schema_editor):
    from certguard.orgs.regions import regions_sync

    regions_sync(apps.get_model("orgs", "Region"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_roles_three_administrators")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
