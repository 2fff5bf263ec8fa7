from django.db import migrations

from ebank.org.roles import groups_sync

NAME = "季度考核（每季度末次日）"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    quarterly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="3", day_of_month="1", month_of_year="1,4,7,10", day_of_week="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": "reports.tasks.assessment_quarter_end_task", "crontab": quarterly}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    """Role permissions on the assessment; the quarterly run on the first day after a quarter end."""

    dependencies = [
        ("reports", "0001_initial"),
        ("terminals", "0006_campaign_role_groups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(groups_sync, migrations.RunPython.noop),
        migrations.RunPython(schedule, unschedule),
    ]
