"""The three roles, and what each may do with each model: the one table the role groups follow.

The platform's models are named here; each area names its own in its access.py, and each register
declares its access (ebank/registers). `groups_sync` (run by data migrations) gives each role's
group exactly these permissions; the scoping test reads the same table, so a model that nothing
declares fails it.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Department staff")
    BRANCH_MANAGER = "branch_manager", _("Branch manager")
    LEADER = "leader", _("Union manager")


# The group of each role, named as the department names the role (stable: migrations refer to it).
GROUP_NAMES = {
    Role.STAFF: "电子银行部工作人员",
    Role.BRANCH_MANAGER: "网点主管",
    Role.LEADER: "联社领导",
}

VIEW = ("view",)
READ_WRITE = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class Access:
    """What each role may do with one model; `branch_owned` models are scoped by branch."""

    staff: tuple[str, ...] = ()
    branch_manager: tuple[str, ...] = ()
    leader: tuple[str, ...] = ()
    branch_owned: bool = True
    # Roles that may read the model (a link elsewhere opens it) but do not work with it day to
    # day: it stays out of their menu (ebank/org/menu.py).
    off_menu_for: tuple[str, ...] = ()

    def actions(self, role: str) -> tuple[str, ...]:
        return {
            Role.STAFF: self.staff,
            Role.BRANCH_MANAGER: self.branch_manager,
            Role.LEADER: self.leader,
        }.get(role, ())


# Platform tables that no branch owns: the department's staff run them; nobody else needs them.
_STAFF_ONLY = Access(staff=READ_WRITE, branch_owned=False)

# The platform's tables (and the libraries'). Each area declares its own models' access in its
# access.py (ACCESS = {...}), each register in its declaration; `access_table` collects them all.
PLATFORM_ACCESS: dict[str, Access] = {
    "org.branch": Access(staff=("view", "add", "change"), branch_manager=VIEW, leader=VIEW),
    "org.user": Access(staff=("view", "add", "change")),
    # Imports: only the department imports; union managers may read the record.
    # Every message told (the inbox is each person's own, served by ebank/notify/views.py): the
    # department reads the log and sends a failed message again.
    "notify.notification": Access(staff=("view", "resend"), branch_owned=False),
    # The WeCom group robots the department configures; each person's choice of channels is made
    # on their own page (ebank/notify/views.py), not in the admin.
    "notify.wecomrobot": Access(staff=READ_WRITE, branch_owned=False),
    "notify.notificationsettings": Access(branch_owned=False),
    # A change of the targets or the plan made in the browser waits for a union manager's approval.
    "imports.importrun": Access(staff=("view", "add"), leader=("view", "approve"), branch_owned=False),
    # API tokens (each user gets their own by logging in): the department sees and revokes them.
    "org.apitoken": Access(staff=("view", "delete"), branch_owned=False),
    # Authenticators for two-factor login: staff see who has one and reset a lost one (delete).
    "org.authenticator": Access(staff=("view", "delete"), branch_owned=False),
    # Login lockouts: staff see them and lift one by deleting the attempt.
    "axes.accessattempt": Access(staff=("view", "delete"), branch_owned=False),
    "axes.accesslog": Access(staff=VIEW, branch_owned=False),
    "axes.accessfailurelog": Access(staff=VIEW, branch_owned=False),
    # Scheduled jobs and their results.
    "django_celery_beat.periodictask": _STAFF_ONLY,
    "django_celery_beat.intervalschedule": _STAFF_ONLY,
    "django_celery_beat.crontabschedule": _STAFF_ONLY,
    "django_celery_beat.solarschedule": _STAFF_ONLY,
    "django_celery_beat.clockedschedule": _STAFF_ONLY,
    "django_celery_results.taskresult": Access(staff=("view", "delete"), branch_owned=False),
    "django_celery_results.groupresult": Access(staff=("view", "delete"), branch_owned=False),
}


def access_table() -> dict[str, Access]:
    """Every model's access: the platform's, each area's access.py, each declared register's."""
    from django.apps import apps
    from django.utils.module_loading import import_module, module_has_submodule

    from ebank.registers.declarations import registers

    table = dict(PLATFORM_ACCESS)
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "access"):
            table.update(import_module(f"{app_config.name}.access").ACCESS)
    for declaration in registers():
        table[declaration.label] = Access(
            staff=declaration.staff,
            branch_manager=declaration.branch_manager,
            leader=declaration.leader,
        )
    return table


def access_for(model) -> Access | None:
    """Return the declared access to `model`, or None when nothing declares it."""
    return access_table().get(model._meta.label_lower)


def groups_sync(apps, schema_editor=None):
    """Give each role's group exactly the permissions that ACCESS declares.

    Run from data migrations (each app that adds a model adds one), with the historical `apps`;
    models that do not exist yet at that point of the migration graph are skipped.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; create them now so they can be given.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for role, group_name in GROUP_NAMES.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        wanted = []
        for label, access in access_table().items():
            app_label, model_name = label.split(".")
            try:
                content_type = ContentType.objects.get(app_label=app_label, model=model_name)
            except ContentType.DoesNotExist:
                continue
            codenames = [f"{action}_{model_name}" for action in access.actions(role)]
            wanted += Permission.objects.filter(content_type=content_type, codename__in=codenames)
        group.permissions.set(wanted)
