from django.db import migrations

from ebank.org.roles import groups_sync


class Migration(migrations.Migration):
    """Give the role groups their permissions on the logbooks."""

    dependencies = [("terminals", "0003_logbooks")]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
