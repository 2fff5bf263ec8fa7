"""The year-end work summary on a small union: its wording, its figures from the data, the staff's
narrative, finalising, downloads, and who may do what. (The demo county's reference figures are
checked in test_demo_county.py.)"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document

from infotech.models import ItMaintenance
from reports.models import Policy, Target, YearSummary
from reports.summary import wording as w
from reports.summary.render import to_markdown
from reports.summary.selectors import year_summary_document, year_summary_draft
from tests.cards.factories import CardBalanceFactory, CardFactory, DisbursementFactory
from tests.factories import user_with_role
from tests.terminals.factories import logbook_entry


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.mark.parametrize(
    "amount, written",
    [
        (Decimal("365093000.00"), "36509.3万元"),
        (Decimal("53659900.00"), "5365.99万元"),
        (Decimal("970000.00"), "97万元"),
        (Decimal("16459.00"), "16459元"),
        (Decimal("99999.50"), "99999.5元"),
        (Decimal("100000.00"), "10万元"),
        (Decimal("50000000.00"), "5000万元"),
        (Decimal("1400000000.00"), "14亿元"),
    ],
)
def test_amounts_are_written_in_wan_or_yi_as_the_department_writes_them(amount, written):
    assert w.money(amount) == written


def test_counts_households_percentages_and_comparisons():
    assert w.households(170000) == "17万户"
    assert w.households(1110000) == "111万户"
    assert w.households(1185) == "1185户"
    assert w.percent(w.share(4833, 143163)) == "3.38%"  # the seed's "0.3%" corrected
    assert w.percent(w.share(61886, 60000)) == "103.14%"
    assert w.whole_yuan(Decimal("2550.19")) == "2550元"
    assert w.change(143163, 84800, unit="张") == "比上年增加58363张，增长68.82%"
    assert w.change(Decimal("90"), Decimal("100"), amount=True) == "比上年减少10元，下降10.00%"
    assert w.change(5, 0) is None  # no previous figure, no comparison
    assert w.table_count(143163) == "143,163"
    assert w.table_wan(Decimal("365093000.00")) == "36,509.3"


@pytest.fixture
def union(tree, staff):
    """Two years of a small union: cards and balances, a revised card plan, the IT log, rules."""
    a, b = tree["a"], tree["b"]
    for _ in range(2):
        CardFactory(branch=a, issued_on=datetime.date(2010, 4, 1))
    new = [CardFactory(branch=b, issued_on=datetime.date(2011, 5, 1)) for _ in range(3)]
    new[0].sms_alert, new[0].sms_since = True, datetime.date(2011, 6, 1)
    new[0].save()
    for card in new:
        CardBalanceFactory(card=card, as_of=datetime.date(2011, 12, 31), balance=Decimal("25000.00"))
    DisbursementFactory(
        branch=a, program="pension", paid_on=datetime.date(2011, 3, 5), households=170000, amount=Decimal(5e7)
    )
    # The card plan: 2 + 2 cards, then 2 more for b in July, with the reason.
    Target.objects.create(year=2011, quarter=4, branch=a, metric="new_cards", target=Decimal(2))
    target_b = Target.objects.create(year=2011, quarter=4, branch=b, metric="new_cards", target=Decimal(2))
    target_b.target, target_b.reason = Decimal(4), "下半年发卡数量较低，追加2张发卡任务"
    target_b.save()
    Target.objects.create(year=2012, quarter=4, branch=a, metric="new_atms", target=Decimal(10))
    Target.objects.create(year=2012, quarter=4, branch=b, metric="new_pos", target=Decimal(100))
    for category, times in (("network_fault", 3), ("equipment_repair", 2), ("software_fault", 1)):
        for _ in range(times):
            logbook_entry(
                ItMaintenance,
                tree["hq"],
                occurred_at=local(2011, 8, 1, 10),
                category=category,
                description="处理",
                handled_by="王",
            )
    Policy.objects.create(kind="rule", title="网络管理办法", adopted_on=datetime.date(2009, 1, 1))
    Policy.objects.create(
        kind="rule",
        title="金农卡（借记卡）业务管理办法",
        adopted_on=datetime.date(2010, 1, 1),
        revised_on=datetime.date(2011, 9, 1),
    )
    Policy.objects.create(kind="register", title="ATM机安全检查登记簿", adopted_on=datetime.date(2010, 1, 1))
    return tree


def test_the_summary_states_the_year_from_the_data(union):
    text = to_markdown(year_summary_document(summary=year_summary_draft(year=2011)))
    assert text.startswith("# 联社营业部电子银行部2011年工作总结")
    assert "截止12月底，全县共发行金农卡5张，金农卡存款余额75000元，卡均余额15000元；" in text
    assert "其中新增卡3张" in text
    assert "完成全年计划6张的50.00%" in text
    assert "下半年发卡数量较低，追加2张发卡任务，全年发卡计划由4张增加2张，调整为6张" in text
    assert "发卡总量比上年末增加3张，增长150.00%" in text
    assert "开通短信业务1户，占发卡总量的20.00%" in text
    assert "共办理17万户，资金5000万元" in text
    assert "全年排除网络故障3次" in text and "设备2次" in text and "软件故障1次" in text
    assert "本年先后制定、修订了《金农卡（借记卡）业务管理办法》等1项制度" in text
    assert "现行电子银行部管理制度共2项" in text
    assert "制定《ATM机安全检查登记簿》等1种登记簿" in text
    assert "## 六、2012年工作计划" in text
    assert "布放ATM机10台，新增布放POS机100台" in text
    for heading in ("## 一、", "## 二、", "## 三、", "## 四、", "## 五、", "## 六、"):
        assert heading in text
    assert "| 发卡总量 | 张 | 5 | 2 | +150.00% |" in text


def test_without_next_years_targets_the_plan_says_so(tree):
    text = to_markdown(year_summary_document(summary=year_summary_draft(year=2013)))
    assert "2014年任务分解表尚未下达" in text
    assert "未新安装ATM机" in text


def test_staff_open_edit_preview_download_and_finalise(union, staff, staff_client):
    response = staff_client.post(reverse("admin:reports_yearsummary_add"), {"year": 2011})
    summary = YearSummary.objects.get(year=2011)
    assert response.status_code == 302 and response["Location"].endswith(f"/{summary.pk}/change/")
    assert summary.cards_text.startswith("为促进金农卡业务稳步健康发展")  # the generated start

    form = {field: getattr(summary, field) for field in YearSummary.NARRATIVE_FIELDS}
    form.update(title=summary.title, cards_text="全年组织金农卡营销活动三次。\n\n各社按季督促。")
    response = staff_client.post(reverse("admin:reports_yearsummary_change", args=[summary.pk]), form)
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.history.count() == 2 and summary.history.first().history_user == staff

    preview = staff_client.get(reverse("admin:reports_yearsummary_preview", args=[summary.pk]))
    page = preview.content.decode()
    assert "<p>全年组织金农卡营销活动三次。</p>" in page and "<p>各社按季督促。</p>" in page
    assert "全县共发行金农卡5张" in page

    docx = staff_client.get(reverse("admin:reports_yearsummary_download", args=[summary.pk, "docx"]))
    assert docx["Content-Disposition"] == 'attachment; filename="year-summary-2011.docx"'
    document = Document(io.BytesIO(b"".join(docx.streaming_content if docx.streaming else [docx.content])))
    body = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "联社营业部电子银行部2011年工作总结" in body and "全年组织金农卡营销活动三次。" in body
    assert "全县共发行金农卡5张" in body
    assert document.tables[0].rows[1].cells[0].text == "发卡总量"
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"

    response = staff_client.post(reverse("admin:reports_yearsummary_finalise", args=[summary.pk]))
    summary.refresh_from_db()
    assert summary.is_final and summary.finalised_by == staff
    finalised = to_markdown(year_summary_document(summary=summary))

    # Later data and later edits no longer change a finalised summary.
    CardFactory(branch=union["a"], issued_on=datetime.date(2011, 12, 1))
    assert to_markdown(year_summary_document(summary=summary)) == finalised
    assert "全县共发行金农卡5张" in finalised
    form["cards_text"] = "改写"
    change = reverse("admin:reports_yearsummary_change", args=[summary.pk])
    finalise = reverse("admin:reports_yearsummary_finalise", args=[summary.pk])
    assert staff_client.post(change, form).status_code == 403
    assert staff_client.post(finalise).status_code == 403
    summary.refresh_from_db()
    assert summary.cards_text.startswith("全年组织")


def test_union_managers_read_and_download_branch_managers_cannot(union, leader_client, manager_client, staff):
    summary = YearSummary.objects.create(year=2011, title="总结")
    preview = reverse("admin:reports_yearsummary_preview", args=[summary.pk])
    download = reverse("admin:reports_yearsummary_download", args=[summary.pk, "md"])
    assert leader_client.get(preview).status_code == 200
    assert "全县共发行金农卡5张" in leader_client.get(download).content.decode()
    finalise = reverse("admin:reports_yearsummary_finalise", args=[summary.pk])
    assert leader_client.post(finalise).status_code == 403
    assert leader_client.post(reverse("admin:reports_yearsummary_add"), {"year": 2012}).status_code == 403
    assert manager_client.get(preview).status_code == 403
    assert manager_client.get(download).status_code == 403


def test_the_command_writes_each_format(union, tmp_path):
    for fmt in ("md", "html", "docx"):
        out = tmp_path / f"summary.{fmt}"
        call_command("year_summary", year=2011, format=fmt, output=str(out), stdout=io.StringIO())
        assert out.stat().st_size > 1000
    assert "全县共发行金农卡5张" in (tmp_path / "summary.md").read_text()
    html = (tmp_path / "summary.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-Hans">' in html
    assert "全县共发行金农卡5张" in "\n".join(p.text for p in Document(tmp_path / "summary.docx").paragraphs)
    assert not YearSummary.objects.exists()  # writing a summary that was never opened saves nothing


def test_an_opened_year_is_not_opened_twice(union, staff):
    from reports.summary.services import year_summary_open

    first = year_summary_open(year=2011, by=staff)
    assert year_summary_open(year=2011, by=user_with_role("staff", username="other")) == first


def test_a_year_without_logbooks_has_no_empty_sentence(tree):
    document = year_summary_document(summary=year_summary_draft(year=2013))
    paragraphs = [block["text"] for block in document["blocks"] if block["type"] == "paragraph"]
    assert paragraphs and all(text not in ("", "。") for text in paragraphs)


HOSTILE_HTML = '<img src=x onerror="alert(1)"> <script>alert(2)</script>'


def test_the_markdown_shows_html_in_the_narrative_as_text(tree, staff):
    from reports.summary.services import year_summary_edit, year_summary_open

    summary = year_summary_edit(
        summary=year_summary_open(year=2011, by=staff),
        changes={"cards_text": f"{HOSTILE_HTML} [点此](javascript:x)"},
        by=staff,
    )
    text = to_markdown(year_summary_document(summary=summary))
    assert '&lt;img src=x onerror="alert(1)"&gt; &lt;script&gt;alert(2)&lt;/script&gt;' in text
    assert "<img" not in text and "<script" not in text
    assert "\\[点此\\](javascript:x)" in text  # shown as typed, not a link
