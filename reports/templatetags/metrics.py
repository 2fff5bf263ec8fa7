"""A metric's value and label as ebank/formatting.py writes them: {% load metrics %} then
{{ value|metric_value:code }} (143,163 张, 36,509.30 万元), {{ code|metric_label }} (no code in
Chinese), {{ code|metric_unit }}."""

from django import template

from ebank import formatting

from ..metrics import BY_CODE

register = template.Library()


@register.filter
def metric_value(value, code):
    return "" if value is None else formatting.metric_value(BY_CODE[code], value)


@register.filter
def metric_number(value, code):
    return "" if value is None else formatting.metric_number(BY_CODE[code], value)


@register.filter
def metric_label(code):
    return formatting.metric_label(BY_CODE[code])


@register.filter
def metric_unit(code):
    return formatting.metric_unit(BY_CODE[code])
