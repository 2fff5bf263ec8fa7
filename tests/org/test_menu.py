"""The menu by role (ebank/org/menu.py): the day's work first, the system last and for staff only,
and a branch manager sees only what they use."""

import re

from django.urls import reverse


def _sections(client) -> dict[str, list[str]]:
    """The home page's menu: each section's caption and its entries, in order."""
    page = client.get(reverse("admin:index")).content.decode()
    content = page.split('id="content-main"')[1]
    sections = {}
    for caption, body in re.findall(
        r"<caption>\s*<a[^>]*>(.*?)</a>\s*</caption>(.*?)</table>", content, re.S
    ):
        sections[caption.strip()] = [
            name.strip()
            for name in re.findall(r'<th scope="row" id="[^"]*">\s*<a[^>]*>(.*?)</a>', body, re.S)
        ]
    return sections


def test_staff_find_the_days_work_first_and_the_system_last(staff_client):
    sections = _sections(staff_client)
    names = list(sections)
    assert names[0] == "日常工作" and names[-1] == "系统管理"
    daily = sections["日常工作"]
    assert daily[:3] == ["今日", "仪表盘", "ATM机安全检查登记簿"]
    assert "计算机及网络维护登记簿" in daily and "金农卡风险安全检查登记簿" in daily
    system = sections["系统管理"]
    assert {"机构", "用户", "周期性任务", "任务结果"} <= set(system)
    # Celery's and the login library's tables are nowhere but there.
    for name, entries in sections.items():
        if name != "系统管理":
            assert "任务结果" not in entries and "周期性任务" not in entries


def test_a_branch_manager_sees_only_what_they_use(manager_client):
    sections = _sections(manager_client)
    assert "系统管理" not in sections
    assert sections["日常工作"][:2] == ["今日", "仪表盘"]
    everything = [entry for entries in sections.values() for entry in entries]
    for unused in ("机具交易", "卡余额", "网银转账", "考核结果", "考核办法"):
        assert unused not in everything
    assert {"金农卡", "网银故障及投诉", "季度考核", "任务分解表"} <= set(everything)


def test_the_union_manager_has_no_today_and_no_system(leader_client):
    sections = _sections(leader_client)
    assert sections["日常工作"][0] == "仪表盘" and "系统管理" not in sections
