from django.db import migrations

from ebank.org.roles import groups_sync


class Migration(migrations.Migration):
    """Give the role groups their permissions on inspection campaigns."""

    dependencies = [("terminals", "0005_inspection_campaigns")]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
