from django.db import migrations

from ebank.org.roles import groups_sync


class Migration(migrations.Migration):
    """Create the three role groups with the permissions that ebank/org/roles.py declares."""

    dependencies = [
        ("org", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("axes", "0010_accessattemptexpiration"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("django_celery_results", "0014_alter_taskresult_status"),
    ]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
