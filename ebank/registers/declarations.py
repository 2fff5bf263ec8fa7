"""A register's declaration: what the kit needs to know of it besides its model.

Each area declares its registers in its own registers.py:

    register(Register(model=AtmFault, route="atm-faults", place=terminal_of_kind("atm")))

The kit collects the declarations (autodiscovered, as the admin collects admin.py) and gives each
register its admin, its API route under /api/v1/logbooks/, its printout, and the permissions of
each role (ebank/org/roles.py reads `access`).
"""

from dataclasses import dataclass, field
from typing import Callable

from django.db.models import QuerySet
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

VIEW_ADD = ("view", "add")

# The people who sign a printed register (the declarations name theirs).
ENTERED_BY, BRANCH_HEAD = _("recorded by"), _("branch head")
CUSTODIAN_A, CUSTODIAN_B = _("first custodian"), _("second custodian")
CHECKED_BY, HANDLED_BY = _("inspected by"), _("handled by")


@dataclass(frozen=True)
class Place:
    """Where an entry happens: the field the person chooses — the branch itself, or an object of
    a branch such as a terminal (the entry then takes that object's branch) — and the choices a
    user has."""

    field: str = "branch"
    # The objects of the user's branches that entries may name (None: the branches themselves).
    choices: Callable[[object], QuerySet] | None = None
    # Of those, the ones a new entry may name (a removed terminal takes no new entry).
    open: Callable[[QuerySet], QuerySet] = lambda queryset: queryset
    # How the API names one (a terminal by its number); a branch is named by its code.
    slug_field: str = "code"

    @property
    def is_branch(self) -> bool:
        return self.field == "branch"


@dataclass(frozen=True)
class WriteOnly:
    """A value typed with an entry but kept only transformed (a card number: hashed and masked).

    `keep(entry, value)` stores it on the entry (raising ValidationError with the field's name);
    `check(value)` refuses a bad one without repeating it; `shown` is the stored field shown in
    its place; `example` is a valid value (for tests and the API's documentation)."""

    label: str
    keep: Callable[[object, str], None]
    check: Callable[[str], str]
    shown: str
    example: str
    max_length: int = 64
    input_mode: str = "text"  # the phone keyboard to offer: "numeric" for a card number


@dataclass(frozen=True)
class Register:
    model: type
    route: str  # /api/v1/logbooks/<route>/
    place: Place = field(default_factory=Place)
    staff: tuple[str, ...] = VIEW_ADD
    branch_manager: tuple[str, ...] = VIEW_ADD
    leader: tuple[str, ...] = ("view",)
    write_only: dict[str, WriteOnly] = field(default_factory=dict)
    # Defaults of a new entry beyond the time and the place: initial(request, now) -> {field: value}.
    initial: Callable[[object, object], dict] | None = None
    # Figures shown above the register's list: summary(request) -> context, in summary_template.
    summary: Callable[[object], dict] | None = None
    summary_template: str = ""
    # Extra API actions: a mixin of the register's viewset.
    api_mixin: type | None = None
    # Who signs the printed month, in the order of the signature lines at the foot of each page.
    signers: tuple = (ENTERED_BY, BRANCH_HEAD)
    # The app whose admin pages it had before it moved to its area: old addresses redirect.
    moved_from: str = ""
    # Its place in the menu's daily work (the most used first).
    position: int = 50
    # Run in the same transaction once a new entry is saved: after_enter(entry, by) (a fault
    # reported marks its ATM faulty).
    after_enter: Callable[[object, object], None] | None = None
    # Columns a later record fills in (a fault's clearance): completed_by(entry) -> {field: value},
    # shown in the list and printed in the entry's own columns; `prefetch` loads those records.
    completed_by: Callable[[object], dict] | None = None
    prefetch: tuple[str, ...] = ()
    # Buttons on an entry's page besides correct and void: links(entry, user) -> [(label, url)].
    links: Callable[[object, object], list] | None = None
    # Two-person work: the field (a user) of the second person, who confirms the entry with their
    # own login (复核); never the person who entered it. Until then the entry is 待复核.
    second_person: str = ""
    # Photos as evidence (photos.py): taken with the phone's camera, up to PHOTO_MAX_PER_ENTRY.
    photos: bool = False
    # Values the server sets on a new entry from the request, never the form: from_request(request,
    # fields) -> {field: value} (an inspection entered right after scanning the ATM's sticker).
    from_request: Callable[[object, dict], dict] | None = None
    # For a register kept in time windows (the ATM inspection): window_of(shift) -> the time the
    # window opens, or None; a link to enter a past window's entry starts it then.
    window_of: Callable[[str], object] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_REGISTERS: dict[type, Register] = {}
_discovered = [False]


def register(declaration: Register) -> Register:
    """Declare a register (from an area's registers.py)."""
    taken = [known for known in _REGISTERS.values() if known.route == declaration.route]
    if any(known.model is not declaration.model for known in taken):
        raise ValueError(f"two registers at /logbooks/{declaration.route}/")
    _REGISTERS[declaration.model] = declaration
    return declaration


def registers() -> list[Register]:
    """Every declared register (each app's registers.py read once, on first use)."""
    if not _discovered[0]:
        _discovered[0] = True
        autodiscover_modules("registers")
    return list(_REGISTERS.values())


def declaration_for(model) -> Register | None:
    registers()
    return _REGISTERS.get(model)
