"""Load the GB/T 2260 region table shipped with the package (abandoned codes included)."""

from django.db import migrations


def load(apps, schema_editor):
    from certguard.orgs.regions import region_rows

    Region = apps.get_model("orgs", "Region")
    Region.objects.bulk_create([Region(**row) for row in region_rows()], batch_size=2000,
                               ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
