"""The terminals' registers, declared to the registers kit (ebank/registers): each entry is about
one ATM or POS of the user's branches; the retained-card register takes the card number in full
and keeps it hashed and masked; the inspection register opens with each branch's rate and its API
answers the rate for a period. The service points' patrol register is about one point each, kept
monthly by the supervising branch."""

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from ebank import pii
from ebank.dates import date_range_problem
from ebank.org.scoping import scope_queryset, scoped_branches
from ebank.registers.declarations import (
    BRANCH_HEAD,
    CHECKED_BY,
    CUSTODIAN_A,
    CUSTODIAN_B,
    ENTERED_BY,
    HANDLED_BY,
    Place,
    Register,
    WriteOnly,
    register,
)

from . import selectors, services
from .models import (
    AtmCashDifference,
    AtmCashLog,
    AtmFault,
    AtmInspection,
    AtmKeyHandover,
    AtmRepair,
    InspectionCampaign,
    PosMaintenance,
    RetainedCard,
    ServicePoint,
    ServicePointVisit,
    Terminal,
)
from .models.logbooks import inspection_window


def terminal_of_kind(kind: str) -> Place:
    """The place of a terminal register: one terminal of that kind of the user's branches (a new
    entry not on a removed one)."""

    def choices(user):
        terminals = Terminal.objects.filter(kind=kind)
        return scope_queryset(user=user, queryset=terminals) if user is not None else terminals.none()

    return Place(
        field="terminal",
        choices=choices,
        open=lambda queryset: queryset.exclude(status=Terminal.Status.REMOVED),
        slug_field="terminal_no",
    )


def _running_campaign(kind: str):
    def initial(request, now) -> dict:
        running = InspectionCampaign.objects.filter(
            kind=kind, starts_on__lte=now.date(), ends_on__gte=now.date()
        ).first()
        return {"campaign": running.pk} if running else {}

    return initial


def retained_card_number(card_no: str) -> str:
    """Return a typed card number without its spaces, or refuse it (without repeating it)."""
    number = card_no.strip().replace(" ", "")
    if not pii.card_number_valid(number):
        raise ValidationError(_("Not a valid card number (16 to 19 digits, Luhn check)."))
    return number


def _keep_card(entry, card_no: str) -> None:
    try:
        number = retained_card_number(card_no)
    except ValidationError as error:
        raise ValidationError({"card_no": error.messages}) from None
    entry.card_hash, entry.card_masked = pii.keyed_hash(number), pii.card_mask(number)


def _inspection_initial(request, now) -> dict:
    return {
        "shift": "morning" if now.hour < 15 else "evening",
        **_running_campaign(Terminal.Kind.ATM)(request, now),
    }


def _scanned_on_site(request, fields) -> dict:
    """扫码: the user scanned this ATM's sticker in the last half hour; the scan is used once."""
    from .stickers import SCAN_MINUTES, scan_forget, scanned_recently

    terminal, occurred_at = fields.get("terminal"), fields.get("occurred_at")
    if terminal is None or occurred_at is None or not scanned_recently(request, terminal.pk):
        return {}
    # On site means now: an inspection of another time is not the one the scan vouches for.
    if abs(timezone.now() - occurred_at) > datetime.timedelta(minutes=SCAN_MINUTES):
        return {}
    scan_forget(request, terminal.pk)
    return {"on_site": True}


def _window_opens(shift: str):
    return inspection_window(shift)[0] if shift in AtmInspection.Shift.values else None


def _compliance_of_branches(*, user, start: datetime.date, end: datetime.date) -> list[dict]:
    atms = scope_queryset(user=user, queryset=Terminal.objects.filter(kind=Terminal.Kind.ATM))
    rows = []
    for branch in scoped_branches(user=user).filter(terminals__kind=Terminal.Kind.ATM).distinct():
        figures = selectors.inspection_compliance(atms=atms.filter(branch=branch), start=start, end=end)
        rows.append({"branch": branch, **figures})
    return rows


def _last_30_days(request) -> dict:
    """Above the inspection register: the last 30 days' rate of each branch with ATMs."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=29)
    rows = [row for row in _compliance_of_branches(user=request.user, start=start, end=today) if row["due"]]
    return {"start": start, "end": today, "rows": rows}


class ComplianceSerializer(serializers.Serializer):
    branch_code = serializers.CharField()
    due = serializers.IntegerField()
    on_time = serializers.IntegerField(help_text="inspections entered on time")
    late = serializers.IntegerField(help_text="inspections entered late (补录), not counted as done")
    missed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="share of due inspections done on time, %")
    on_site = serializers.IntegerField(help_text="on-time inspections entered after scanning the sticker")
    on_site_share = serializers.FloatField(allow_null=True, help_text="share of on-time ones done on site, %")


class InspectionComplianceMixin:
    """The inspection register's API: the rate of each of the user's branches for a period."""

    @extend_schema(
        parameters=[
            OpenApiParameter("start", datetime.date, required=True),
            OpenApiParameter("end", datetime.date, required=True),
        ],
        responses=ComplianceSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)  # one row per branch: no pages
    def compliance(self, request):
        """Each of the user's branches with ATMs: inspections due, on time, late (补录) and missed, and
        the on-time rate, for a period."""
        try:
            start = datetime.date.fromisoformat(request.query_params.get("start", ""))
            end = datetime.date.fromisoformat(request.query_params.get("end", ""))
        except ValueError:
            raise ApiValidationError({"start": ["Give start and end as YYYY-MM-DD."]}) from None
        if end < start or (end - start).days > 366:
            raise ApiValidationError({"end": ["The period runs from start to end, a year at most."]})
        for name, day in (("start", start), ("end", end)):
            if problem := date_range_problem(day):
                raise ApiValidationError({name: [problem]})
        rows = [
            {**row, "branch_code": row["branch"].code}
            for row in _compliance_of_branches(user=request.user, start=start, end=end)
        ]
        return Response(ComplianceSerializer(rows, many=True).data)


ATM, POS = terminal_of_kind(Terminal.Kind.ATM), terminal_of_kind(Terminal.Kind.POS)

CUSTODIANS = (CUSTODIAN_A, CUSTODIAN_B, BRANCH_HEAD)


def _custodian_initial(request, now) -> dict:
    return {"custodian_a": request.user.get_full_name() or request.user.username}


register(
    Register(
        model=AtmCashLog,
        route="atm-cash-log",
        position=4,
        place=ATM,
        signers=CUSTODIANS,
        initial=_custodian_initial,
        second_person="second_custodian",
    )
)
register(
    Register(
        model=AtmInspection,
        photos=True,
        route="atm-inspections",
        position=1,
        place=ATM,
        signers=(CHECKED_BY, BRANCH_HEAD),
        initial=_inspection_initial,
        summary=_last_30_days,
        summary_template="admin/terminals/inspection_compliance.html",
        api_mixin=InspectionComplianceMixin,
        window_of=_window_opens,
        from_request=_scanned_on_site,
    )
)


def _fault_clearance_values(fault) -> dict:
    """A cleared fault's columns filled in by its clearance (登记排除)."""
    cleared = selectors.fault_cleared(fault)
    if cleared is None:
        return {}
    resolution = cleared.resolution
    if cleared.repair_id:
        resolution = _("%(resolution)s (repair #%(id)d)") % {
            "resolution": resolution,
            "id": cleared.repair_id,
        }
    return {"resolved_at": cleared.occurred_at, "resolution": resolution, "handled_by": cleared.handled_by}


def _fault_links(fault, user) -> list:
    """登记排除 on an open fault's page, for who may enter faults."""
    if not user.has_perm("terminals.add_atmfault"):
        return []
    if not selectors.atm_faults_open(queryset=AtmFault.objects.filter(pk=fault.pk)).exists():
        return []
    return [(_("Record the fault cleared"), reverse("atm-fault-clear", args=[fault.pk]))]


register(
    Register(
        model=AtmFault,
        photos=True,
        route="atm-faults",
        position=2,
        place=ATM,
        signers=(ENTERED_BY, HANDLED_BY, BRANCH_HEAD),
        after_enter=lambda fault, by: services.atm_fault_reported(fault, by),
        completed_by=_fault_clearance_values,
        prefetch=("clearances",),
        links=_fault_links,
    )
)
register(
    Register(
        model=AtmRepair,
        photos=True,
        route="atm-repairs",
        position=3,
        place=ATM,
        signers=(gettext_lazy("repaired by (vendor)"), ENTERED_BY, BRANCH_HEAD),
    )
)
register(
    Register(
        model=AtmCashDifference,
        photos=True,
        route="atm-cash-differences",
        position=5,
        place=ATM,
        signers=(CUSTODIAN_A, CUSTODIAN_B, gettext_lazy("accounting supervisor"), BRANCH_HEAD),
    )
)
register(
    Register(
        model=RetainedCard,
        photos=True,
        route="retained-cards",
        position=6,
        place=ATM,
        signers=CUSTODIANS,
        write_only={
            "card_no": WriteOnly(
                label=gettext_lazy("card number (in full)"),
                keep=_keep_card,
                check=retained_card_number,
                shown="card_masked",
                example="6228480402564890018",
                max_length=19,
                input_mode="numeric",
            )
        },
    )
)
register(
    Register(
        model=PosMaintenance,
        route="pos-maintenance",
        position=7,
        place=POS,
        signers=(gettext_lazy("maintained by"), gettext_lazy("merchant (signature or seal)")),
        initial=_running_campaign(Terminal.Kind.POS),
    )
)


def _handed_by_initial(request, now) -> dict:
    return {"handed_by": request.user.get_full_name() or request.user.username}


register(
    Register(
        model=AtmKeyHandover,
        route="atm-key-handovers",
        position=8,
        place=ATM,
        signers=(gettext_lazy("handed over by"), gettext_lazy("received by"), BRANCH_HEAD),
        initial=_handed_by_initial,
        second_person="received_by",
    )
)


def _service_point_place() -> Place:
    """The place of the patrol register: a service point of the user's branches (a new visit not
    to a closed one)."""

    def choices(user):
        points = ServicePoint.objects.all()
        return scope_queryset(user=user, queryset=points) if user is not None else points.none()

    return Place(
        field="point",
        choices=choices,
        open=lambda queryset: queryset.exclude(status=ServicePoint.Status.CLOSED),
        slug_field="point_no",
    )


def _visits_this_month(request) -> dict:
    """Above the patrol register: this month's visits of each branch with service points."""
    today = timezone.localdate()
    points = scope_queryset(user=request.user, queryset=ServicePoint.objects.all())
    rates = selectors.service_point_visits(points=points, month=today.replace(day=1), today=today)
    branches = {branch.pk: branch for branch in scoped_branches(user=request.user).filter(pk__in=rates)}
    rows = [
        {"branch": branches[pk], **row, "rate": 100 * row["visited"] / row["due"] if row["due"] else None}
        for pk, row in sorted(rates.items(), key=lambda item: branches[item[0]].code)
        if pk in branches
    ]
    unvisited = selectors.service_points_unvisited(queryset=points, today=today).select_related("branch")
    return {"month": today.replace(day=1), "rows": rows, "unvisited": list(unvisited)}


register(
    Register(
        model=ServicePointVisit,
        photos=True,
        route="service-point-visits",
        position=9,
        place=_service_point_place(),
        signers=(CHECKED_BY, gettext_lazy("service point operator"), BRANCH_HEAD),
        summary=_visits_this_month,
        summary_template="admin/terminals/service_point_visits.html",
    )
)
