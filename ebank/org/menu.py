"""The menu of the admin (its home page and its side bar), arranged for the day's work.

Django lists apps alphabetically, each with its models. The department's staff and branch
managers want the work of the day first, so the menu is:

1. 日常工作 — 今日 (for those who keep registers), the dashboard, and every register (the kit's
   declarations, the most used first: `Register.position`);
2. the areas, in the order their AppConfig gives (`menu_position`), each with its models;
3. 系统管理 — the branches and users, API tokens, authenticators, login security, scheduled
   jobs and their results — for the department's staff only (SYSTEM_APPS).

A model a role may read but does not use day to day (`Access.off_menu_for`) stays off that role's
menu. Permissions are unchanged: this only arranges what the user may already open.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from .roles import Role, access_table

# The platform's and the libraries' apps whose models are the system's, not the department's work.
SYSTEM_APPS = (
    "org",
    "auth",
    "authtoken",
    "otp_totp",
    "axes",
    "django_celery_beat",
    "django_celery_results",
    "notify",
)
DEFAULT_POSITION = 50


def _link(name: str, url: str, object_name: str) -> dict:
    """A menu entry that is a page, not a model's list."""
    return {
        "name": name,
        "object_name": object_name,
        "perms": {"view": True},
        "admin_url": url,
        "add_url": None,
        "view_only": True,
    }


def _section(name: str, label: str, models: list[dict]) -> dict:
    return {
        "name": name,
        "app_label": label,
        "app_url": models[0]["admin_url"],
        "has_module_perms": True,
        "models": models,
    }


def arrange(request, app_list: list[dict]) -> list[dict]:
    """The user's menu from Django's app list (apps and models the user may open)."""
    from django.apps import apps

    from ebank.registers.declarations import registers

    user = request.user
    role = "staff" if user.is_superuser else getattr(user, "role", "")
    hidden = {label for label, access in access_table().items() if role in access.off_menu_for}
    positions = {d.model._meta.label_lower: d.position for d in registers()}

    daily, system, areas = [], [], []
    for app in app_list:
        models = []
        for model in app["models"]:
            label = model["model"]._meta.label_lower
            if label in hidden:
                continue
            if label in positions:
                daily.append(model)
            elif app["app_label"] in SYSTEM_APPS:
                system.append(model)
            else:
                models.append(model)
        if models and app["app_label"] not in SYSTEM_APPS:
            position = getattr(apps.get_app_config(app["app_label"]), "menu_position", DEFAULT_POSITION)
            areas.append((position, {**app, "models": models}))
    daily.sort(key=lambda model: positions[model["model"]._meta.label_lower])

    pages = []
    if role in (Role.STAFF, Role.BRANCH_MANAGER):
        pages.append(_link(_("Today"), reverse("today"), "Today"))
    if role:
        pages.append(_link(_("Dashboard"), reverse("dashboard"), "Dashboard"))
    menu = []
    if pages or daily:
        menu.append(_section(_("Daily work"), "daily", pages + daily))
    menu += [app for _position, app in sorted(areas, key=lambda item: item[0])]
    if system and (role == Role.STAFF or user.is_superuser):
        menu.append(_section(_("System administration"), "system", system))
    return menu
