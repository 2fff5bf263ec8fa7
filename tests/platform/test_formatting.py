"""Numbers as the department writes them (ebank/formatting.py), in Chinese and in English."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from ebank import formatting
from reports.metrics import BY_CODE


def test_counts_amounts_and_percentages_as_the_department_writes_them():
    assert formatting.count(143163, "张") == "143,163 张"
    assert formatting.count(Decimal("2818.00")) == "2,818"
    assert formatting.amount(Decimal("1234.5")) == "1,234.50"
    assert formatting.wan(Decimal("365093000.00")) == "36,509.30"
    assert formatting.percent(Decimal("103.135")) == "103.14%"  # half up, as the assessment rounds
    assert formatting.amount(Decimal("-0.5")) == "-0.50"


def test_a_metric_is_written_in_the_unit_of_its_tables():
    assert formatting.metric_value(BY_CODE["cards_total"], 143163) == "143,163 张"
    assert formatting.metric_value(BY_CODE["card_balance"], Decimal("365093000.00")) == "36,509.30 万元"
    assert formatting.metric_value(BY_CODE["avg_card_balance"], Decimal("2550.19")) == "2,550.19 元"
    assert formatting.metric_label(BY_CODE["avg_card_balance"]) == "卡均余额"


def test_in_english_every_label_and_unit_is_english():
    with translation.override("en"):
        assert formatting.metric_value(BY_CODE["cards_total"], 143163) == "143,163 cards"
        assert formatting.metric_value(BY_CODE["card_balance"], Decimal("365093000")) == "36,509.30 10k yuan"
        assert formatting.metric_label(BY_CODE["avg_card_balance"]) == "average balance per card"


def test_the_template_filters_write_the_same():
    template = Template(
        "{% load numbers metrics %}{{ n|count:'张' }}|{{ y|wan }}|{{ p|percent }}|"
        "{{ y|metric_value:'card_balance' }}|{{ 'new_cards'|metric_label }}"
    )
    text = template.render(Context({"n": 143163, "y": Decimal("365093000"), "p": Decimal("103.14")}))
    assert text == "143,163 张|36,509.30|103.14%|36,509.30 万元|新增发卡"
