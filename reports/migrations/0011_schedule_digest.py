from django.db import migrations

EVERY_FIVE = "考核提醒（待审批、已发布）"
RENAMED = "提醒：各项规则与发送（每五分钟）"
DIGEST = "每日提醒摘要（08:00）"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=EVERY_FIVE).update(name=RENAMED)
    eight, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=DIGEST, defaults={"task": "reports.tasks.reminders_digest_task", "crontab": eight}
    )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=DIGEST).delete()
    PeriodicTask.objects.filter(name=RENAMED).update(name=EVERY_FIVE)


class Migration(migrations.Migration):
    """Every rule of every area now runs every five minutes; at 08:00, each person's digest."""

    dependencies = [
        ("reports", "0010_schedule_reminders"),
        ("notify", "0002_channels"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
