from django.db import migrations

from ebank.org.roles import groups_sync


class Migration(migrations.Migration):
    """Role permissions on the authenticators of two-factor login (staff reset a lost one)."""

    dependencies = [("org", "0005_authenticator")]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
