from django.db import migrations

from ebank.org.roles import groups_sync


def retire_drf_tokens(apps, schema_editor):
    """Tokens of DRF's own table never expired and outlived password changes: none is honoured
    any more, so none is kept (their users log in again for an ebank token)."""
    apps.get_model("authtoken", "Token").objects.all().delete()


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="40", hour="3", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name="清理过期 API 令牌",
        defaults={"task": "ebank.org.tasks.api_tokens_purge_task", "crontab": nightly},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="清理过期 API 令牌").delete()


class Migration(migrations.Migration):
    """Staff see and revoke ebank's API tokens; DRF's old tokens are retired; expired tokens are
    deleted nightly."""

    dependencies = [
        ("org", "0007_api_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(retire_drf_tokens, migrations.RunPython.noop),
        migrations.RunPython(groups_sync, migrations.RunPython.noop),
        migrations.RunPython(schedule, unschedule),
    ]
