import datetime

from django.urls import reverse

from tests.cards.factories import CardFactory


def test_the_union_dashboard_has_figures_and_charts(staff_client, tree):
    CardFactory.create_batch(3, branch=tree["a1"], issued_on=datetime.date.today().replace(month=1, day=2))
    page = staff_client.get(reverse("dashboard")).content.decode()
    assert 'id="headline"' in page and "发卡总量" in page and "<svg" in page
    assert 'id="compared"' in page and "城关信用社" in page and "北山信用社" in page
    assert "https://" not in page.split('id="headline"')[1]  # nothing fetched from the network


def test_a_branch_manager_sees_their_branch_and_nothing_else(manager_client, tree):
    page = manager_client.get(reverse("dashboard")).content.decode()
    assert "城关信用社" in page and "北山信用社" not in page
    assert manager_client.get(reverse("dashboard"), {"branch": "201"}).status_code == 404


def test_the_dashboard_needs_a_login(client, db):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_home_page_links_to_the_dashboard(leader_client):
    assert reverse("dashboard") in leader_client.get(reverse("admin:index")).content.decode()


def test_the_dashboard_opens_on_the_latest_day_with_data_and_plan_against_actual(staff_client, tree):
    from decimal import Decimal

    from reports.models import PlanItem, Target

    CardFactory.create_batch(3, branch=tree["a1"], issued_on=datetime.date(2011, 6, 15))
    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal(40))
    for branch in (tree["a"], tree["b"]):
        Target.objects.create(year=2011, quarter=4, branch=branch, metric="new_cards", target=Decimal(2))
    page = staff_client.get(reverse("dashboard")).content.decode()
    # The last day with data, not an empty today; its quarters so far.
    assert 'name="as_of" value="2011-06-15"' in page and "主要指标（截至 2011-06-15）" in page
    assert "一季度末" in page and "二季度末" not in page
    headline = page.split('id="headline"')[1].split("</section>")[0]
    assert "3 张" in headline and "new_cards" not in page
    # The year's plan: the branches' fourth-quarter targets, 4; 3 done: 75.00%.
    plan = page.split('id="plan"')[1].split("</section>")[0]
    assert "2011年计划完成情况" in plan and "新增发卡" in plan and ">4<" in plan and "75.00%" in plan
    # Each chart says its unit; the branches are compared on that day.
    assert "新增发卡<span class=\"unit\">（张）</span>" in page
    assert "各机构对比（截至 2011-06-15）" in page


def test_the_dashboard_of_another_day_shows_that_day(staff_client, tree):
    CardFactory.create_batch(2, branch=tree["a1"], issued_on=datetime.date(2011, 3, 2))
    CardFactory.create_batch(5, branch=tree["a1"], issued_on=datetime.date(2011, 9, 2))
    page = staff_client.get(reverse("dashboard"), {"as_of": "2011-03-31"}).content.decode()
    headline = page.split('id="headline"')[1].split("</section>")[0]
    assert "2 张" in headline and "7 张" not in headline
    page = staff_client.get(reverse("dashboard"), {"as_of": "2011-02-30"}).content.decode()
    assert "请按 YYYY-MM-DD 填写日期" in page and 'value="2011-09-02"' in page
