from django.db import migrations

from ebank.org.roles import groups_sync


class Migration(migrations.Migration):
    """The roles' permissions on the new register (as every app that adds a model does)."""

    dependencies = [("example_area", "0001_initial"), ("infotech", "0002_role_groups")]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
