from django.db import migrations

from ebank.org.roles import groups_sync


class Migration(migrations.Migration):
    """Give the role groups their permissions on the card tables and the import record."""

    dependencies = [
        ("cards", "0001_initial"),
        ("imports", "0001_initial"),
        ("org", "0004_history_names"),
    ]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
