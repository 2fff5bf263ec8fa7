from django.db import migrations

from ebank.org.roles import groups_sync


class Migration(migrations.Migration):
    """Give the role groups their permissions on the online-banking tables."""

    dependencies = [
        ("netbanking", "0001_initial"),
        ("cards", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
