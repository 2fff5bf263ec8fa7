from django.db import migrations

from ebank.org.roles import groups_sync

NAME = "每月生成连续三个月无交易POS清单"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    monthly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_month="1", month_of_year="*", day_of_week="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": "terminals.tasks.dormant_pos_refresh_task", "crontab": monthly}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    """Role permissions on the terminal tables; on the 1st of each month, the dormant-POS list."""

    dependencies = [
        ("terminals", "0001_initial"),
        ("netbanking", "0002_role_groups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(groups_sync, migrations.RunPython.noop),
        migrations.RunPython(schedule, unschedule),
    ]
