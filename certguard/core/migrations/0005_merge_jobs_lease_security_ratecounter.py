from django.db import migrations


class Migration(migrations.Migration):
    """Joins two independent changes: job leases and the shared rate-limit counters."""

    dependencies = [
        ("core", "0004_jobs_lease"),
        ("core", "0004_security_ratecounter"),
    ]

    operations: list = []
