from django.db import migrations

from ebank.org.roles import groups_sync


class Migration(migrations.Migration):
    """Role permissions on the policies and the year-end summary."""

    dependencies = [("reports", "0003_policy_year_summary")]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
