"""A pair's history (修改与审核记录) as the staff who review it read it: an approver opens it read-only from the list;
a revision's steps are named as a revision's, its approval as replacing the public text, an import as an import."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.qa import pairs
from gongkai.qa.models import QAPair
from gongkai.qa.states import PairState
from tests import factories
from tests.qa.test_ask import CONTRACT
from tests.qa.test_pairs import ANSWER, QUESTION, _published, _submitted_revision, people, source  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("fresh_search")


def _revised(people, agency, source, pair):  # noqa: F811
    revision = _submitted_revision(people, agency, source, pair, ANSWER + "（新标准）")
    pairs.move_pair(people["approver"], revision, "return", comment="请写明新标准的文号")
    pairs.move_pair(people["drafter"], revision, "submit")
    pairs.move_pair(people["approver"], revision, "publish")
    return revision


def test_an_approver_reads_a_pairs_history_read_only(client, people, agency, source, team):  # noqa: F811
    # The trial of 2026-12-02: only drafters could open a pair's page, so its approver never saw who wrote and
    # returned what, nor the steps of its revisions (修改稿 N).
    pair = _published(people, agency, source)
    revision = _revised(people, agency, source, pair)
    client.force_login(people["approver"])
    listing = client.get("/staff/qa/pairs/", {"state": "published"}).content.decode()
    view = f"/staff/qa/pairs/{pair.pk}/history/"
    assert f'href="{view}?list=state%3Dpublished">查看记录</a>' in listing
    page = client.get(view).content.decode()
    assert "修改与审核记录" in page and f"退回修改（修改稿 {revision.pk}）" in page and "请写明新标准的文号" in page
    assert ANSWER + "（新标准）" in page and '<form method="post" class="doc-form"' not in page
    assert 'href="/staff/qa/pairs/?state=published">返回</a>' in client.get(
        view, {"list": "state=published"}).content.decode()
    # Read only: nothing is saved through it, and the edit page stays the drafters'.
    assert client.post(view, {"question": "改", "answer": "改", "source": source.pk}).status_code == 405
    assert client.get(f"/staff/qa/pairs/{agency.code}/{pair.pk}/").status_code == 404
    # Staff of another agency who review pairs find no such pair; staff without a pair role are refused.
    other = factories.make_agency("11000000TEST00009X", "测试市民政局", parent=agency.parent)
    client.force_login(factories.make_staff(other, Role.APPROVER, username="other-approver"))
    assert client.get(view).status_code == 404
    client.force_login(team[Role.PUBLISHER])
    assert client.get(view).status_code == 403


def test_a_revisions_approval_reads_as_replacing_the_public_text(client, people, agency, source):  # noqa: F811
    # The trial of 2026-12-02: the history said 审核通过并公开（修改稿 N）, though a revision is never public.
    pair = _published(people, agency, source)
    revision = _revised(people, agency, source, pair)
    labels = [row["label"] for row in pairs.pair_history(pair)]
    assert f"审核通过，替换公开内容（修改稿 {revision.pk}）" in labels
    assert not any(label.startswith("审核通过并公开（修改稿") for label in labels)
    assert "审核通过并公开" in labels  # the pair's own first approval keeps its label
    client.force_login(people["approver"])
    page = client.get(f"/staff/qa/pairs/{pair.pk}/history/").content.decode()
    assert f"审核通过，替换公开内容（修改稿 {revision.pk}）</li>" in page


def test_a_revisions_row_links_the_public_pair_it_revises(client, people, agency, source):  # noqa: F811
    # The other way round from a public pair's 有修改稿：问答 N: under 待审核 the public pair is not listed beside it.
    pair = _published(people, agency, source)
    _submitted_revision(people, agency, source, pair, ANSWER + "（新标准）")
    client.force_login(people["approver"])
    review = client.get("/staff/qa/pairs/", {"state": "review"}).content.decode()
    link = "/staff/qa/pairs/?" + urlencode({"state": "published", "q": QUESTION}).replace("&", "&amp;") + f"#pair-{pair.pk}"
    assert f'修改稿：<a href="{link}">问答 {pair.pk}</a>' in review
    assert f'id="pair-{pair.pk}"' in client.get("/staff/qa/pairs/", {"state": "published", "q": QUESTION}).content.decode()


def test_an_imported_row_is_logged_as_an_import(people, agency, source):  # noqa: F811
    # The trial of 2026-12-02: a pair or revision written from a spreadsheet was logged as 保存问答.
    pair = _published(people, agency, source)
    exported = pairs.export_xlsx([pair])
    book = load_workbook(io.BytesIO(exported))
    sheet = book.active
    sheet.cell(row=2, column=2, value=ANSWER + "（导入修改）")
    sheet.append(["加班费怎么算", "按规定支付。", source.pk, "", ""])
    out = io.BytesIO()
    book.save(out)
    result = pairs.import_xlsx(people["drafter"], agency, out.getvalue())
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    revision = pairs.edited_in(pair)
    new = QAPair.objects.get(question="加班费怎么算")
    for imported in (revision, new):
        labels = [row["label"] for row in pairs.pair_history(imported)]
        assert labels == ["从 XLSX 导入问答"], labels


def test_a_flagged_pair_is_edited_in_place_as_the_form_says(client, people, agency, source, team,  # noqa: F811
                                                            django_capture_on_commit_callbacks):
    # The trial of 2026-12-02: the form said a flagged pair goes back to draft, the README that it is edited in a
    # revision. The code (save_pair, the revise transition) edits it in place as its next version.
    pair = _published(people, agency, source)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.withdraw_document(team[Role.PUBLISHER], source, "撤回")
    client.force_login(people["drafter"])
    form = client.get(f"/staff/qa/pairs/{agency.code}/{pair.pk}/").content.decode()
    assert "本条问答已暂停公开（依据文件已撤回）。保存后它作为新版本回到草稿（不另存修改稿）" in form
    other = factories.make_document(team, agency, title="测试市试用期工资规定", body=CONTRACT, doc_number="测政发〔2026〕9号")
    saved = pairs.save_pair(people["drafter"], agency, {"question": QUESTION, "answer": ANSWER, "source": other.pk},
                            pair)
    assert (saved.pk, saved.state, saved.version, saved.revises_id) == (pair.pk, PairState.DRAFT, 2, None)
    assert QAPair.objects.count() == 1
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "暂停公开的问答直接修改，保存后作为新版本回到草稿" in readme and "a flagged pair is edited in place" in readme
