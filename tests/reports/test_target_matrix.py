"""任务分解表 as a matrix: branches × metrics for a year and quarter, values typed or pasted, each
cell checked as the targets extract checks a row, submitted all or nothing for a union manager's
approval (four eyes); a revision needs its reason; a target's key never changes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import PlanItem, Target
from tests.factories import BranchFactory
from tests.reports.conftest import approve

METRICS = ["new_cards", "avg_card_balance", "new_merchants", "new_netbank_personal"]


@pytest.fixture
def plan(tree):
    for metric in METRICS:
        PlanItem.objects.create(year=2012, metric=metric, weight=Decimal(10))
    tree["c"] = BranchFactory(code="301", name="南湖信用社", parent=tree["hq"])
    Target.objects.create(year=2012, quarter=1, branch=tree["a"], metric="new_cards", target=Decimal(100))
    return tree


def _matrix(client, **params):
    return client.get(reverse("admin:reports_target_matrix"), {"year": 2012, "quarter": 1, **params})


def _cells(values: dict[tuple[str, str], str]) -> dict:
    return {f"cell-{code}-{metric}": value for (code, metric), value in values.items()}


def test_the_menu_opens_the_matrix_with_the_plan_as_totals(plan, staff_client):
    page = staff_client.get(reverse("admin:reports_target_changelist"), {"year": 2012, "quarter": 1})
    html = page.content.decode()
    assert 'id="target-matrix"' in html and "新增发卡" in html and "卡均余额" in html
    assert html.index("城关信用社") < html.index("北山信用社") < html.index("南湖信用社")
    assert 'name="cell-101-new_cards" value="100"' in html
    # The union's plan: the sum of the column; an average has none.
    assert "联社计划（合计）" in html
    # The list with its filters and revisions is a click away.
    listing = staff_client.get(reverse("admin:reports_target_changelist"), {"all": ""}).content.decode()
    assert reverse("admin:reports_target_matrix") in listing


def test_a_pasted_block_is_saved_whole_once_approved(plan, staff_client, leader):
    block = {
        (code, metric): value
        for code, values in (
            ("101", ["", "2210.5", "4", "33"]),
            ("201", ["2,818", "2420", "4", "30"]),
            ("301", ["1897", "2690", "3", "22"]),
        )
        for metric, value in zip(METRICS, values)
    }
    response = staff_client.post(
        reverse("admin:reports_target_matrix"), {"year": 2012, "quarter": 1, **_cells(block), "reason": ""}
    )
    assert response.status_code == 302
    # Submitted, not applied: the change page lists what it changes; the matrix says it waits.
    change = staff_client.get(response["Location"]).content.decode()
    assert 'id="awaiting-approval"' in change and "北山信用社 新增发卡" in change and "2,818" in change
    assert Target.objects.count() == 1 and 'id="pending-changes"' in _matrix(staff_client).content.decode()
    approve(leader)
    saved = {(t.branch.code, t.metric): t.target for t in Target.objects.filter(year=2012, quarter=1)}
    assert len(saved) == 12  # 11 new, 101's new cards kept
    assert saved[("201", "new_cards")] == Decimal("2818") and saved[("101", "avg_card_balance")] == Decimal(
        "2210.5"
    )
    page = _matrix(staff_client).content.decode()
    assert "4,815" in page  # 100 + 2,818 + 1,897: the union's plan of new cards


def test_one_bad_cell_refuses_the_whole_block_and_says_where(plan, staff_client):
    block = {("201", "new_cards"): "2818", ("201", "new_merchants"): "四", ("301", "new_cards"): "0"}
    response = staff_client.post(
        reverse("admin:reports_target_matrix"), {"year": 2012, "quarter": 1, **_cells(block)}
    )
    html = response.content.decode()
    assert response.status_code == 200 and Target.objects.count() == 1  # nothing saved
    assert "北山信用社 · 新增特约商户" in html and "南湖信用社 · 新增发卡" in html
    assert html.count("has-problem") == 2
    assert 'name="cell-201-new_cards" value="2818"' in html  # what was typed stays


def test_a_revision_needs_its_reason_and_is_on_record(plan, staff_client, staff, leader):
    url = reverse("admin:reports_target_matrix")
    response = staff_client.post(url, {"year": 2012, "quarter": 1, "cell-101-new_cards": "120"})
    assert response.status_code == 200 and Target.objects.get().target == Decimal(100)
    assert "请说明修改任务的原因" in response.content.decode()
    staff_client.post(url, {"year": 2012, "quarter": 1, "cell-101-new_cards": "120", "reason": "追加任务"})
    assert Target.objects.get().target == Decimal(100)  # until approved
    approve(leader)
    target = Target.objects.get()
    assert target.target == Decimal(120) and target.reason == "追加任务"
    latest = target.history.first()
    assert latest.history_change_reason.startswith("追加任务（") and latest.history_user == staff
    assert target.history.last().target == Decimal(100)


def test_a_targets_key_cannot_be_changed_in_its_form(plan, staff_client):
    target = Target.objects.get()
    page = staff_client.get(reverse("admin:reports_target_change", args=[target.pk])).content.decode()
    for field in ("year", "quarter", "branch", "metric"):
        assert f'name="{field}"' not in page
    assert 'name="target"' in page


def test_a_branch_manager_reads_their_rows_only(plan, manager_client):
    html = _matrix(manager_client).content.decode()
    assert "城关信用社" in html and "北山信用社" not in html and '<input type="text"' not in html
    assert (
        manager_client.post(reverse("admin:reports_target_matrix"), {"year": 2012, "quarter": 1}).status_code
        == 403
    )
