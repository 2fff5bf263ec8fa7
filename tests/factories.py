"""factory_boy factories for the platform's models, and one object maker per admin/API model.

`OBJECT_MAKERS` is read by tests/test_scoping_matrix.py: every model registered in the admin or
served by the API needs a maker that creates one object belonging to a given branch (or, for a
model no branch owns, one object at all). A model without a maker fails the matrix test.
"""

import datetime
import itertools

import factory
from django.utils import timezone

from ebank.org import services
from ebank.org.models import Branch, User
from ebank.org.roles import Role


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"B{n:04d}")
    name = factory.Sequence(lambda n: f"第{n}信用社")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def with_role(user, create, extracted, **kwargs):
        role, branch = extracted if extracted else ("", None)
        if create:
            services.user_assign_role(user=user, role=role, branch=branch, by=None)


def user_with_role(role: str, branch: Branch | None = None, **kwargs) -> User:
    return UserFactory(with_role=(role, branch), **kwargs)


_serial = itertools.count(1)


def _make_branch(branch):
    return branch


def _make_user(branch):
    return user_with_role(Role.BRANCH_MANAGER, branch)


def _make_token(branch):
    from ebank.org.services import api_token_issue

    return api_token_issue(user=user_with_role(Role.STAFF), with_second_factor=False)[0]


def _make_authenticator(branch):
    from ebank.org.models import Authenticator

    return Authenticator.objects.create(user=_make_user(branch), name="app", confirmed=True)


def _make_access_attempt(branch):
    from axes.models import AccessAttempt

    return AccessAttempt.objects.create(
        username=f"someone{next(_serial)}",
        ip_address="10.0.0.1",
        user_agent="test",
        failures_since_start=1,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
    )


def _make_access_log(branch):
    from axes.models import AccessLog

    return AccessLog.objects.create(
        username="someone", ip_address="10.0.0.1", user_agent="test", attempt_time=timezone.now()
    )


def _make_access_failure_log(branch):
    from axes.models import AccessFailureLog

    return AccessFailureLog.objects.create(
        username="someone", ip_address="10.0.0.1", user_agent="test", attempt_time=timezone.now()
    )


def _make_crontab(branch):
    from django_celery_beat.models import CrontabSchedule

    return CrontabSchedule.objects.create(minute="7", hour="7")


def _make_interval(branch):
    from django_celery_beat.models import IntervalSchedule

    return IntervalSchedule.objects.create(every=7, period=IntervalSchedule.DAYS)


def _make_solar(branch):
    from django_celery_beat.models import SolarSchedule

    return SolarSchedule.objects.create(event="sunrise", latitude=32.58, longitude=116 + next(_serial) / 100)


def _make_clocked(branch):
    from django_celery_beat.models import ClockedSchedule

    return ClockedSchedule.objects.create(clocked_time=timezone.now() + datetime.timedelta(days=1))


def _make_periodic_task(branch):
    from django_celery_beat.models import PeriodicTask

    return PeriodicTask.objects.create(
        name=f"test-{next(_serial)}",
        task="ebank.org.tasks.sessions_clear_expired_task",
        interval=_make_interval(branch),
    )


def _make_task_result(branch):
    from django_celery_results.models import TaskResult

    return TaskResult.objects.create(task_id=f"task-{next(_serial)}", status="SUCCESS")


def _make_group_result(branch):
    from django_celery_results.models import GroupResult

    return GroupResult.objects.create(group_id=f"group-{next(_serial)}")


def _make_import_run(branch):
    from ebank.imports.models import ImportRun

    return ImportRun.objects.create(
        kind="cards",
        file_name=f"cards-{next(_serial)}.csv",
        sha256="0" * 64,
        size=1,
        source=ImportRun.Source.COMMAND,
    )


def _card_makers():
    from tests.cards.factories import CardBalanceFactory, CardFactory, DisbursementFactory, balance_revision

    return {
        "cards.card": lambda branch: CardFactory(branch=branch),
        "cards.cardbalance": lambda branch: CardBalanceFactory(card=CardFactory(branch=branch)),
        "cards.balancerevision": balance_revision,
        "cards.disbursement": lambda branch: DisbursementFactory(branch=branch),
    }


def _netbanking_makers():
    from tests.netbanking.factories import (
        CustomerFactory,
        SecurityMediumFactory,
        SpotCheckFactory,
        TicketFactory,
        TransferFactory,
        calendar_day,
    )

    return {
        "netbanking.customer": lambda branch: CustomerFactory(branch=branch),
        "netbanking.securitymedium": lambda branch: SecurityMediumFactory(
            customer=CustomerFactory(branch=branch)
        ),
        "netbanking.transfer": lambda branch: TransferFactory(customer=CustomerFactory(branch=branch)),
        "netbanking.calendarday": calendar_day,
        "netbanking.ticket": lambda branch: TicketFactory(branch=branch),
        "netbanking.spotcheck": lambda branch: SpotCheckFactory(branch=branch),
    }


def _terminal_makers():
    from tests.terminals.factories import (
        MerchantFactory,
        ServicePointFactory,
        ServicePointTxnFactory,
        TerminalFactory,
        TerminalTxnFactory,
        dormant_review,
        service_point_event,
    )

    return {
        "terminals.servicepoint": lambda branch: ServicePointFactory(branch=branch),
        "terminals.servicepointtxn": lambda branch: ServicePointTxnFactory(
            point=ServicePointFactory(branch=branch)
        ),
        "terminals.servicepointevent": service_point_event,
        "terminals.merchant": lambda branch: MerchantFactory(branch=branch),
        "terminals.terminal": lambda branch: TerminalFactory(branch=branch),
        "terminals.terminaltxn": lambda branch: TerminalTxnFactory(terminal=TerminalFactory(branch=branch)),
        "terminals.dormantposreview": dormant_review,
    }


def _example(model_field):
    """A valid value of a field an entry must have (the first choice, a round number, a word)."""
    import datetime as _dt
    from decimal import Decimal

    from django.db import models

    if model_field.choices:
        return model_field.choices[0][0]
    if isinstance(model_field, models.DecimalField):
        return Decimal("100")
    if isinstance(model_field, models.IntegerField):
        return 100
    if isinstance(model_field, models.DateTimeField):
        return timezone.make_aware(_dt.datetime(2011, 6, 1, 9, 30))
    if isinstance(model_field, models.DateField):
        return _dt.date(2011, 6, 1)
    if isinstance(model_field, (models.CharField, models.TextField)):
        return "测试"[: model_field.max_length or 2]
    raise LookupError(f"no example for {model_field}")


def register_entry(model, branch, **fields):
    """An entry of any declared register, in `branch`: every field it must have gets an example
    value; a register about an object of a branch (a terminal) gets one of `branch`."""
    from ebank.registers.declarations import declaration_for

    declaration = declaration_for(model)
    place = declaration.place
    values = {
        "occurred_at": _example(model._meta.get_field("occurred_at")),
        "entered_by": user_with_role(Role.STAFF),
        "entered_at": timezone.now(),
        "branch": branch,
    }
    if not place.is_branch and place.field not in fields:
        related = model._meta.get_field(place.field).related_model
        kind = getattr(model, f"{place.field}_kind", None)  # a register about one kind of terminal
        if kind is not None:
            from tests.terminals.factories import TerminalFactory

            values[place.field] = TerminalFactory(branch=branch, kind=kind)
        else:
            values[place.field] = OBJECT_MAKERS[related._meta.label_lower](branch)
    for model_field in model._meta.concrete_fields:
        needed = not (model_field.null or model_field.blank or model_field.has_default())
        if (
            needed
            and model_field.name not in values
            and not model_field.is_relation
            and not model_field.primary_key
        ):
            values[model_field.name] = _example(model_field)
    entry = model(**{**values, **fields})
    for spec in declaration.write_only.values():
        if not fields.get(spec.shown):
            spec.keep(entry, spec.example)
    entry.save()
    return entry


def _make_notification():
    from ebank.notify.models import Notification

    return Notification.objects.create(
        recipient=user_with_role(Role.STAFF), rule="test", key=f"k{next(_serial)}", subject="提醒"
    )


def _make_robot():
    from ebank.notify.models import WeComRobot

    return WeComRobot.objects.create(
        name=f"机器人{next(_serial)}",
        branch=BranchFactory(),
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test",
    )


def _make_campaign(branch):
    import datetime as _dt

    from terminals.models import InspectionCampaign

    return InspectionCampaign.objects.create(
        name=f"第{next(_serial)}次全面检查",
        kind="atm",
        starts_on=_dt.date(2011, 5, 1),
        ends_on=_dt.date(2011, 5, 31),
    )


OBJECT_MAKERS = {
    "org.branch": _make_branch,
    "org.user": _make_user,
    "org.apitoken": _make_token,
    "axes.accessattempt": _make_access_attempt,
    "org.authenticator": _make_authenticator,
    "axes.accesslog": _make_access_log,
    "axes.accessfailurelog": _make_access_failure_log,
    "django_celery_beat.crontabschedule": _make_crontab,
    "django_celery_beat.intervalschedule": _make_interval,
    "django_celery_beat.solarschedule": _make_solar,
    "django_celery_beat.clockedschedule": _make_clocked,
    "django_celery_beat.periodictask": _make_periodic_task,
    "django_celery_results.taskresult": _make_task_result,
    "django_celery_results.groupresult": _make_group_result,
    "imports.importrun": _make_import_run,
    "terminals.inspectioncampaign": _make_campaign,
    "notify.notification": lambda branch: _make_notification(),
    "notify.wecomrobot": lambda branch: _make_robot(),
    **_card_makers(),
    **_netbanking_makers(),
    **_terminal_makers(),
}


def _report_makers():
    from decimal import Decimal

    from reports.models import Appeal, AssessmentResult, AssessmentRun, PlanItem, Policy, Target, YearSummary

    def plan_item(branch):
        return PlanItem.objects.create(
            year=2000 + next(_serial) % 90, metric="new_cards", weight=Decimal("40")
        )

    def run(branch):
        """A published run: what a branch manager reads (a draft is the department's)."""
        from reports.models import AssessmentPublication

        made = AssessmentRun.objects.create(year=2011, quarter=4 - next(_serial) % 4, status="done")
        AssessmentPublication.objects.create(
            run=made,
            year=made.year,
            quarter=made.quarter,
            published_at=timezone.now(),
            published_by=user_with_role(Role.LEADER),
            note="季度考核结果",
        )
        return made

    def result(branch):
        return AssessmentResult.objects.create(
            run=run(branch),
            branch=branch,
            metric="new_cards",
            target=Decimal(100),
            actual=Decimal(90),
            completion_pct=Decimal(90),
            weight=Decimal(40),
            score=Decimal(36),
            total_score=Decimal(36),
            rank=1,
        )

    return {
        "reports.planitem": plan_item,
        "reports.target": lambda branch: Target.objects.create(
            year=2011, quarter=1 + next(_serial) % 4, branch=branch, metric="new_cards", target=Decimal(100)
        ),
        "reports.assessmentrun": run,
        "reports.appeal": lambda branch: Appeal.objects.create(
            publication=run(branch).publication,
            branch=branch,
            text="第四季度发卡数未计入补录数据",
            submitted_by=user_with_role(Role.BRANCH_MANAGER, branch),
            submitted_at=timezone.now(),
        ),
        "reports.assessmentresult": result,
        "reports.policy": lambda branch: Policy.objects.create(
            kind="rule", title=f"网络管理办法{next(_serial)}", adopted_on=datetime.date(2011, 3, 1)
        ),
        "reports.yearsummary": lambda branch: YearSummary.objects.create(
            year=2000 + next(_serial) % 90, title="电子银行部工作总结"
        ),
    }


OBJECT_MAKERS.update(_report_makers())


def _register_makers():
    from ebank.registers.declarations import registers

    return {
        declaration.label: (lambda model: lambda branch: register_entry(model, branch))(declaration.model)
        for declaration in registers()
    }


OBJECT_MAKERS.update(_register_makers())


def entered_at(moment):
    """Enter what the block enters as if at `moment` (the server's clock stands still there): an
    entry entered soon after its event is on time, one entered hours later is 补录."""
    import time_machine

    return time_machine.travel(moment, tick=False)
