"""History is an audit trail: a past version's page shows it and saves nothing back, for every model
with a history and every role — the form a browser would post from that page changes nothing."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from cards import services as card_services
from cards.models import Card
from tests.cards.factories import CardFactory
from tests.factories import OBJECT_MAKERS

HISTORY_MODELS = sorted(
    (
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ),
    key=lambda model: model._meta.label_lower,
)


class FormFields(HTMLParser):
    """The fields a browser would send from a page's form: inputs, selected options, textareas."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value", "on")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def _urls(model, obj, record):
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return reverse(f"{info}_simple_history", args=[obj.pk, record.pk])


def _state(model, obj):
    history = getattr(model, model._meta.simple_history_manager_attribute)
    return (
        model._default_manager.filter(pk=obj.pk).values().first(),
        history.filter(**{model._meta.pk.attname: obj.pk}).count(),
    )


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model._meta.label_lower)
def test_posting_a_past_version_changes_nothing(model, tree, staff_client, manager_client, leader_client):
    obj = OBJECT_MAKERS[model._meta.label_lower](tree["a1"])
    history = getattr(model, model._meta.simple_history_manager_attribute)
    record = history.filter(**{model._meta.pk.attname: obj.pk}).order_by("history_date").first()
    if record is None:  # made without a history row (a bulk write): give it one, as a change would
        record = history.create(
            **{
                **{f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields},
                "history_date": datetime.datetime.now(datetime.timezone.utc),
                "history_type": "~",
            }
        )
    url = _urls(model, obj, record)
    page = staff_client.get(url)
    fields = FormFields()
    fields.feed(page.content.decode())
    before = _state(model, obj)
    for client in (staff_client, manager_client, leader_client):
        response = client.post(url, {**fields.data, "_save": "1"})
        assert response.status_code in (403, 404, 405), f"{model._meta.label_lower}: {response.status_code}"
    assert _state(model, obj) == before


def test_a_closed_card_cannot_be_reverted_to_active_through_its_history(tree, staff, staff_client):
    card = CardFactory(branch=tree["a1"], status=Card.Status.ACTIVE)
    card_services.card_status_change(
        card=card, status=Card.Status.CLOSED, on=datetime.date(2011, 9, 1), reason="销户", by=staff
    )
    active = card.history.order_by("history_date").first()
    assert active.status == Card.Status.ACTIVE
    url = _urls(Card, card, active)
    fields = FormFields()
    fields.feed(staff_client.get(url).content.decode())
    response = staff_client.post(url, {**fields.data, "status": "active", "_save": "1"})
    assert response.status_code == 405
    card.refresh_from_db()
    assert card.status == Card.Status.CLOSED and card.history.count() == 2
