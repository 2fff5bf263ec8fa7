"""Template filters of ebank/formatting.py: {% load numbers %} then {{ n|count:"张" }},
{{ yuan|amount }}, {{ yuan|wan }}, {{ pct|percent }} (a metric's value: reports' {% load metrics %})."""

from django import template

from ebank import formatting

register = template.Library()


@register.filter
def count(value, measure=""):
    return "" if value is None else formatting.count(value, measure)


@register.filter
def amount(value):
    return "" if value is None else formatting.amount(value)


@register.filter
def wan(value):
    return "" if value is None else formatting.wan(value)


@register.filter
def percent(value):
    return "" if value is None else formatting.percent(value)
