"""Nothing non-public leaks: plant marked items in every non-public state, then look for the marker on
every public channel — crawled pages, API, feed, sitemap, search, suggestions and attachment URLs."""

import datetime as dt
import re
from urllib.parse import urljoin, urlparse

import pytest
from django.utils import timezone

from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import Attachment, Document
from gongkai.publishing.rules import DisclosureMode, WithholdingGround
from gongkai.publishing.states import State
from gongkai.search.indexing import rebuild_index
from gongkai.search.models import HotRuleKind, HotSearchRule
from gongkai.search.services import record_query
from tests import factories

MARKER = "绝密标记ZX9Q"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _marked(**extra):
    return dict(title=f"{MARKER}文件", body=f"<p>{MARKER}正文</p>", doc_number=f"{MARKER}〔2026〕1号",
                tags=[MARKER], other_issuers=f"{MARKER}委员会", **extra)


@pytest.fixture
def planted(team, agency):
    """One public document plus one marked item in every state the public must never see."""
    drafter, publisher = team[Role.DRAFTER], team[Role.PUBLISHER]
    public = factories.make_document(team, agency, title="公开的文件")
    items = {}
    items["draft"] = factories.make_document(team, agency, publish=False, **_marked())
    for target in ("secrecy_review", "approval", "signoff", "ready"):
        doc = factories.make_document(team, agency, publish=False, **_marked())
        moves = [(services.submit_document, Role.DRAFTER), (services.pass_secrecy_review, Role.SECRECY_REVIEWER),
                 (services.approve_document, Role.APPROVER), (services.sign_off_document, Role.SIGNER)]
        for move, role in moves:
            doc = move(team[role], doc)
            if doc.state == target:
                break
        items[target] = doc
    scheduled = factories.advance(team, factories.make_document(team, agency, publish=False, **_marked()))
    items["scheduled"] = services.schedule_document(publisher, scheduled, timezone.now() + dt.timedelta(days=3))
    for mode in (DisclosureMode.WITHHELD, DisclosureMode.ON_APPLICATION):
        doc = factories.make_document(team, agency, publish=False, disclosure_mode=mode,
                                      withholding_ground=WithholdingGround.PROCESS_INFORMATION,
                                      withholding_reason="过程性信息", **_marked())
        items[mode] = factories.advance(team, doc)
    withdrawn = factories.make_document(team, agency, **_marked())
    items["withdrawn"] = services.withdraw_document(publisher, withdrawn, "撤回")
    # A newer version of the public document (same title, number and issuer), withdrawn: the public one is
    # current again and must not list it among its 历史版本.
    version = factories.make_document(team, agency, title="公开的文件", body=f"<p>{MARKER}新版本正文</p>")
    items["withdrawn_version"] = services.withdraw_document(publisher, version, "撤回新版本")
    # Withdrawn while its next revision was in review; that revision has since been signed off.
    under_way = factories.make_document(team, agency, **_marked())
    services.save_revision(drafter, under_way, factories.data(**_marked(change_note="修订")))
    services.submit_document(drafter, under_way)
    services.withdraw_document(publisher, under_way, "发现差错，先撤下")
    services.pass_secrecy_review(team[Role.SECRECY_REVIEWER], under_way)
    services.approve_document(team[Role.APPROVER], under_way)
    items["withdrawn_pending"] = services.sign_off_document(team[Role.SIGNER], under_way)
    # Public until a revision reclassified as 不予公开 was signed off: that took the public version down.
    reclassified = factories.make_document(team, agency, **_marked())
    services.save_revision(drafter, reclassified, factories.data(
        **_marked(), disclosure_mode=DisclosureMode.WITHHELD, withholding_ground=WithholdingGround.THIRD_PARTY,
        withholding_reason="涉及第三方商业秘密"))
    items["taken_down"] = factories.advance(team, reclassified)
    # A public document with an unapproved revision that adds marked text and a marked attachment.
    pending = factories.make_document(team, agency, title="已公开但有待审修订的文件")
    new_file = services.add_attachment(drafter, pending, f"{MARKER}.pdf", PDF)
    services.save_revision(drafter, pending, factories.data(title=f"{MARKER}修订", body=f"<p>{MARKER}</p>",
                                                            attachment_ids=[new_file.pk]))
    items["pending_revision"] = pending
    # A public document whose old revision's attachment was removed in the new, published revision.
    old = factories.make_document(team, agency, publish=False, title="附件被删除的文件")
    old_file = services.add_attachment(drafter, old, f"{MARKER}旧附件.pdf", PDF)
    services.save_revision(drafter, old, factories.data(title="附件被删除的文件", attachment_ids=[old_file.pk]))
    factories.advance(team, old)
    services.publish_document(publisher, old)
    services.save_revision(drafter, old, factories.data(title="附件被删除的文件", attachment_ids=[]))
    factories.advance(team, old)
    services.publish_document(publisher, old)
    # Files uploaded to a draft and to a withheld document.
    services.add_attachment(drafter, items["draft"], f"{MARKER}草稿附件.pdf", PDF)
    services.add_attachment(drafter, items[DisclosureMode.WITHHELD], f"{MARKER}内部附件.pdf", PDF)
    return public, items


def _crawl(client, start_urls, limit=400):
    seen, queue, bodies = set(), list(start_urls), {}
    while queue and len(seen) < limit:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = content.decode("utf-8", errors="replace")
        bodies[url] = (response.status_code, text)
        if response.status_code != 200 or "html" not in response.get("Content-Type", "") and "xml" not in \
                response.get("Content-Type", ""):
            continue
        for href in re.findall(r'(?:href|src)="([^"]+)"|<loc>([^<]+)</loc>', text):
            link = urljoin(url, (href[0] or href[1]).replace("&amp;", "&"))
            parsed = urlparse(link)
            if parsed.netloc not in ("", "testserver", "example.com", "127.0.0.1:8000"):
                continue
            path = parsed.path + ("?" + parsed.query if parsed.query else "")
            if path.startswith(("/staff", "/admin", "/static")) or path in seen:
                continue
            queue.append(path)
    return bodies


def test_marked_items_never_reach_a_public_channel(client, planted):
    public, items = planted
    start = ["/", "/xxgk/", "/xxgk/documents/", "/feeds/latest.xml", "/sitemap.xml", "/wzdt/",
             "/api/v1/documents?page_size=100", "/api/v1/agencies", "/api/v1/openapi.json",
             "/xxgk/documents/?kind=interpretation", "/xxgk/documents/?validity=valid",
             f"/xxgk/documents/?agency={public.agency.code}", "/xxgk/documents/?year=2026",
             "/xxgk/documents/?doc_type=通知", "/xxgk/documents/?subject=综合政务",
             f"/api/v1/documents?agency={public.agency.code}&year=2026&doc_type=通知",
             # Search, suggestions and hot searches, asked for parts of the marker (a page may echo the
             # query; the whole marker can only come from a document) and for words it shares.
             f"/search/?q={MARKER[:4]}", f"/search/?q={MARKER[2:]}&correct=0", "/search/?q=文件", "/search/",
             f"/api/v1/search?q={MARKER[:4]}", f"/api/v1/search?q={MARKER[4:]}", "/api/v1/search?q=文件",
             f"/api/v1/suggest?q={MARKER[:2]}", "/api/v1/suggest?q=文件", "/api/v1/search/hot",
             f"/search/?q={MARKER[2:]}〔2026〕1号",
             # The policy library's keyword box in each scope, its sorts and its counts beside every filter.
             f"/xxgk/documents/?q={MARKER[:4]}", f"/xxgk/documents/?q={MARKER[2:]}&scope=title",
             f"/xxgk/documents/?q={MARKER[4:]}〔2026〕1号&scope=number", "/xxgk/documents/?q=〔2026〕&scope=number",
             "/xxgk/documents/?q=文件&sort=signed", "/xxgk/documents/?sort=signed&doc_type=通知",
             f"/xxgk/documents/?issuer={MARKER[:4]}", f"/api/v1/documents?q={MARKER[:4]}&scope=title",
             "/api/v1/documents?q=〔2026〕&scope=number",
             # The policy Q&A, asked for the marker's parts (the page echoes the question, never the whole marker).
             f"/wdk/?q={MARKER[:4]}", f"/wdk/?q={MARKER[4:]}正文"]
    rebuild_index()
    for n in range(5):  # many searched for it, and staff pinned it: hot searches must still never offer it
        record_query(MARKER, 3, f"client{n}")
    HotSearchRule.objects.create(query=MARKER, kind=HotRuleKind.PIN, created_by=factories.make_staff(public.agency))
    bodies = _crawl(client, start)
    assert f"/xxgk/documents/{public.pk}/" in bodies, "the crawler must reach the public document"
    assert bodies["/wzdt/"][0] == 200, "the HTML 网站地图 is a public channel too"
    assert len(bodies) > 20, "the crawl must cover the site, not just the start pages"
    hidden = [f"/xxgk/documents/{doc.pk}/" for key, doc in items.items() if key != "pending_revision"]
    for url, (_status, text) in bodies.items():
        assert MARKER not in text, f"non-public marker leaked at {url}"
        assert not [link for link in hidden if link in text], f"a non-public document is linked at {url}"
    # Direct addresses of every non-public item: pages, API and every attachment ever uploaded.
    for key, doc in items.items():
        if key == "pending_revision":
            page = client.get(f"/xxgk/documents/{doc.pk}/")
            assert page.status_code == 200 and MARKER not in page.content.decode()
            api = client.get(f"/api/v1/documents/{doc.pk}")
            assert MARKER not in api.content.decode()
            continue
        assert client.get(f"/xxgk/documents/{doc.pk}/").status_code == 404, key
        assert client.get(f"/api/v1/documents/{doc.pk}").status_code == 404, key
    marked_files = Attachment.objects.filter(name__contains=MARKER)
    assert marked_files.count() == 4
    for attachment in marked_files:
        assert client.get(f"/xxgk/attachments/{attachment.pk}/{attachment.name}").status_code == 404


def test_the_qa_never_answers_from_a_non_public_article(client, planted, team, agency, fresh_search):
    """Articles of non-public documents, in an article index that holds every one of them and claims to be up
    to date (the worst stale index), never answer, are never cited and never linked."""
    from gongkai.publishing.models import Revision
    from gongkai.qa.index import article_backend, ensure_articles
    from gongkai.search.backends.base import IndexDoc
    from gongkai.search.models import IndexChange

    public, _items = planted
    body = f"<p>第一条 {MARKER}条文：申领{MARKER}补贴的，应当提交申请。</p>"
    factories.make_document(team, agency, publish=False, **{**_marked(), "body": body})
    withdrawn = factories.make_document(team, agency, **{**_marked(), "body": body})
    services.withdraw_document(team[Role.PUBLISHER], withdrawn, "撤回")
    withheld = factories.make_document(team, agency, publish=False, disclosure_mode=DisclosureMode.WITHHELD,
                                       withholding_ground=WithholdingGround.PROCESS_INFORMATION,
                                       withholding_reason="过程性信息", **{**_marked(), "body": body})
    factories.advance(team, withheld)
    everything = []
    for revision in Revision.objects.select_related("document"):
        for article in ensure_articles(revision):
            everything.append(IndexDoc(id=article.pk, revision_id=revision.pk, title=revision.title,
                                       body=f"{article.label}\n{article.text}", keys=[], agency=agency.pk,
                                       issuers=[agency.name], subject=revision.subject, doc_type=revision.doc_type,
                                       validity="valid", kind="policy", published_on=None))
    assert len(everything) >= 3
    # Curated pairs: one still in review, and one published whose source was withdrawn afterwards (before any
    # flagging ran): neither may answer or be listed.
    from gongkai.qa import pairs

    pair_data = {"question": "申领补贴应当提交申请吗", "answer": f"{MARKER}答案", "source": public.pk}
    in_review = pairs.save_pair(team[Role.DRAFTER], agency, pair_data)
    pairs.move_pair(team[Role.DRAFTER], in_review, "submit")
    source = factories.make_document(team, agency, title="补贴申领办法", body="<p>第一条 申领补贴的，应当提交申请。</p>")
    # The same question in other punctuation (an agency holds one pair per question as written).
    orphan = pairs.save_pair(team[Role.DRAFTER], agency, {**pair_data, "question": "申领补贴应当提交申请吗？",
                                                          "source": source.pk})
    pairs.move_pair(team[Role.DRAFTER], orphan, "submit")
    pairs.move_pair(team[Role.APPROVER], orphan, "publish")
    services.withdraw_document(team[Role.PUBLISHER], source, "撤回")
    # A public pair with a revision under review: the public text answers, the revision's never shows.
    revised = pairs.save_pair(team[Role.DRAFTER], agency, {"question": "补贴按月发放还是按年发放", "answer": "按月发放。",
                                                            "source": public.pk})
    pairs.move_pair(team[Role.DRAFTER], revised, "submit")
    revised = pairs.move_pair(team[Role.APPROVER], revised, "publish")
    revision = pairs.save_pair(team[Role.DRAFTER], agency, {"question": "补贴按月发放还是按年发放",
                                                            "answer": f"{MARKER}按年发放。", "source": public.pk}, revised)
    pairs.move_pair(team[Role.DRAFTER], revision, "submit")
    listed = client.get("/api/v1/qa/pairs", {"page_size": 100})
    assert listed.status_code == 200 and listed.json()["count"] == 1 and MARKER not in listed.content.decode()
    for question in ("补贴按月发放还是按年发放", "补贴是按月发还是按年发"):
        data = client.post("/api/v1/qa/ask", {"question": question}, content_type="application/json")
        assert MARKER not in data.content.decode() and MARKER not in client.get("/wdk/", {"q": question}).content.decode()
    article_backend().rebuild(everything, max(IndexChange.objects.values_list("pk", flat=True)))
    # The meaning index, as stale as can be: every article of every revision, up to date by its mark.
    from gongkai.qa import meaning

    assert meaning.build([(doc.id, agency.pk, doc.body, doc.title) for doc in everything],
                         meaning.fingerprint()) == len(everything)
    assert not meaning.behind()
    # The vector index, as stale: every article of every revision embedded and in its file.
    import numpy as np

    from gongkai.qa import dense, semantic
    from gongkai.qa.models import Article

    articles = [(a, a.revision.title) for a in Article.objects.select_related("revision")]
    semantic.embed(articles)
    vectors = semantic.stored_vectors(articles)
    ids = sorted(vectors)
    meaning.write_files(dense.index_path(), np.array([vectors[pk] for pk in ids], dtype=np.float32),
                        ids=np.array(ids, dtype=np.int64), agencies=np.full(len(ids), agency.pk, dtype=np.int64),
                        fingerprint=np.array(meaning.fingerprint()))
    assert len(dense.load().ids) >= len(everything) and dense.depth()
    rebuild_index()
    for question in (f"申领{MARKER}补贴要提交什么", f"{MARKER[:4]}补贴怎么申请", "申领补贴应当提交申请吗"):
        data = client.post("/api/v1/qa/ask", {"question": question}, content_type="application/json")
        assert data.status_code == 200 and MARKER not in data.content.decode().replace(question, ""), question
        assert data.json()["answered"] is False and data.json()["sources"] == [] and data.json()["kind"] is None
        page = client.get("/wdk/", {"q": question}).content.decode().replace(question, "")
        assert MARKER not in page, page[page.find(MARKER) - 300:page.find(MARKER) + 100]
        assert not re.search(r"/xxgk/documents/\d", page), question


def test_every_non_public_state_is_planted(planted):
    _, items = planted
    documents = [Document.objects.get(pk=d.pk) for d in items.values()]
    states = {d.state for d in documents}
    assert {State.DRAFT, State.SECRECY_REVIEW, State.APPROVAL, State.SIGNOFF, State.READY, State.SCHEDULED,
            State.FILED} <= states
    withdrawn = {key for key, d in items.items() if Document.objects.get(pk=d.pk).is_withdrawn}
    assert {"withdrawn", "withdrawn_pending", "taken_down", "withdrawn_version"} <= withdrawn


@pytest.fixture
def planted_catalog(planted, agency):
    """The catalogue's non-public content, marked: a draft guide of a second agency, edits not yet reviewed of a
    public guide, item and negative-list entry, draft and retired items and entries."""
    from gongkai.catalog import services as catalog
    from tests.disclosure_factories import disclosure_team

    office = disclosure_team(agency)
    officer, head = office["officer"], office["head"]
    guide = {"how_to_apply": "在线申请", "office_name": "办公室", "office_hours": "工作日"}
    catalog.publish_entry(head, catalog.save_guide(officer, agency, guide))
    catalog.save_guide(officer, agency, {**guide, "office_hours": f"{MARKER}时间", "notes": MARKER})
    other = factories.make_agency("11000000TEST00009X", "测试市草稿局", parent=agency.parent)
    catalog.save_guide(disclosure_team(other)["officer"], other, {**guide, "how_to_apply": MARKER})
    # A public item mapped to 通知, the type of the planted non-public documents: its count covers public ones only.
    item = catalog.publish_entry(head, catalog.save_item(officer, agency, {
        "category": "normative", "content": "规范性文件", "basis": "《条例》第二十条", "doc_type": "通知"}))
    catalog.save_item(officer, agency, {"content": f"{MARKER}修改", "subcategory": MARKER}, item)
    catalog.save_item(officer, agency, {"category": "budget", "content": f"{MARKER}草稿", "basis": MARKER})
    retired = catalog.publish_entry(head, catalog.save_item(officer, agency, {
        "category": "plans", "content": f"{MARKER}停用", "basis": MARKER}))
    catalog.retire_entry(head, retired, "不再适用")
    entry = catalog.publish_entry(head, catalog.save_negative_entry(officer, agency, {
        "category": "国家秘密", "content": "涉密事项", "basis": "《保守国家秘密法》"}))
    catalog.save_negative_entry(officer, agency, {"content": f"{MARKER}修改"}, entry)
    catalog.save_negative_entry(officer, agency, {"category": MARKER, "content": MARKER, "basis": MARKER})
    gone = catalog.publish_entry(head, catalog.save_negative_entry(officer, agency, {
        "category": f"{MARKER}类", "content": MARKER, "basis": MARKER}))
    catalog.retire_entry(head, gone, "已解密")
    return planted, other


def test_the_catalogue_never_shows_what_was_not_reviewed(client, planted_catalog, agency):
    (public, _items), draft_agency = planted_catalog
    start = ["/zfxxgk/", f"/zfxxgk/?agency={agency.code}", f"/zfxxgk/?agency={draft_agency.code}", "/zfxxgk/zn/",
             f"/zfxxgk/zn/{agency.code}/", f"/zfxxgk/ml/?agency={agency.code}",
             f"/zfxxgk/ml/?agency={draft_agency.code}", "/zfxxgk/fmqd/", "/wzdt/", "/sitemap.xml",
             *(f"/api/v1/catalog/{code}{tail}" for code in (agency.code, draft_agency.code)
               for tail in ("", "/guide", "/negative-list"))]
    bodies = _crawl(client, start, limit=150)
    assert bodies[f"/zfxxgk/zn/{agency.code}/"][0] == 200 and "涉密事项" in bodies["/zfxxgk/fmqd/"][1]
    from gongkai.publishing.visibility import public_documents

    shown = public_documents().filter(agency=agency, live_revision__doc_type="通知").count()
    assert f"（{shown} 件）" in bodies[f"/zfxxgk/?agency={agency.code}"][1], "only the public 通知 are counted"
    for url, (_status, text) in bodies.items():
        assert MARKER not in text, f"non-public catalogue content leaked at {url}"
    assert client.get(f"/zfxxgk/zn/{draft_agency.code}/").status_code == 404
    assert client.get(f"/api/v1/catalog/{draft_agency.code}/guide").status_code == 404
    assert client.get(f"/api/v1/catalog/{agency.code}/guide").json()["fields"]["office_hours"]


@pytest.fixture
def planted_reports(planted, agency):
    """Annual reports of the agency: one released, and marked revisions drafted, reviewed and returned; a marked
    report of another year drafted only; a marked aggregate report reviewed."""
    from gongkai.orgs.models import Agency
    from gongkai.reports import services as reports
    from tests.disclosure_factories import disclosure_team

    office = disclosure_team(agency)
    drafter, reviewer = office["officer"], office["head"]
    releaser = factories.make_staff(agency, Role.DISCLOSURE_OFFICER)
    reports.save_narrative(drafter, agency, 2025, "overview", "公开的年度报告正文。")
    released = reports.release_report(releaser, reports.review_report(
        reviewer, reports.draft_report(drafter, agency, 2025), confirm_gaps=True), confirm_gaps=True)
    reports.save_narrative(drafter, agency, 2025, "overview", f"{MARKER}退回的更正稿")
    reports.return_report(reviewer, reports.draft_report(drafter, agency, 2025), "请修改。")
    reports.save_narrative(drafter, agency, 2025, "problems", f"{MARKER}待发布的更正稿")
    reviewed = reports.review_report(reviewer, reports.draft_report(drafter, agency, 2025), confirm_gaps=True)
    reports.save_narrative(drafter, agency, 2024, "overview", f"{MARKER}草稿")
    drafted = reports.draft_report(drafter, agency, 2024)
    parent = Agency.objects.get(pk=agency.parent_id) if agency.parent_id else agency
    parent_office = disclosure_team(parent)
    reports.save_narrative(parent_office["officer"], parent, 2025, "overview", f"{MARKER}汇总")
    aggregate = reports.review_report(parent_office["head"], reports.draft_report(
        parent_office["officer"], parent, 2025, aggregate=True), confirm_gaps=True)
    return released, [reviewed, drafted, aggregate]


def test_annual_reports_show_only_the_latest_release(client, planted_reports):
    released, hidden = planted_reports
    code = released.agency.code
    start = ["/zfxxgk/ndbg/", f"/zfxxgk/ndbg/{code}/2025/", f"/zfxxgk/ndbg/{code}/2024/", "/zfxxgk/", "/wzdt/",
             "/sitemap.xml", f"/search/?q={MARKER[:4]}", f"/api/v1/search?q={MARKER[:4]}"]
    rebuild_index()
    bodies = _crawl(client, start, limit=150)
    assert "公开的年度报告正文。" in bodies[f"/zfxxgk/ndbg/{code}/2025/"][1]
    assert f"/zfxxgk/ndbg/{code}/2025/" in bodies["/sitemap.xml"][1]
    for url, (_status, text) in bodies.items():
        assert MARKER not in text, f"an unreleased annual report leaked at {url}"
    for fmt in ("pdf", "docx", "xlsx"):
        got = client.get(f"/zfxxgk/ndbg/{code}/2025/report.{fmt}")
        assert got.status_code == 200
    for report in hidden:
        suffix = "hz/" if report.aggregate else ""
        page = f"/zfxxgk/ndbg/{report.agency.code}/{report.year}/{suffix}"
        if report.year == 2025 and not report.aggregate:
            assert MARKER not in client.get(page).content.decode()  # the older release still shows
            continue
        assert client.get(page).status_code == 404, page
        assert client.get(f"{page}report.pdf").status_code == 404, page


@pytest.fixture
def planted_consultations(planted, agency, team):
    """Consultations: a public one with a marked hidden comment, one whose feedback is marked but not published,
    a marked draft consultation, and a marked consultation (opened) of a draft since withdrawn from the library."""
    from gongkai.participation import services as participation
    from tests.disclosure_factories import disclosure_team
    from tests.participation.conftest import DRAFT_BODY, end

    office = disclosure_team(agency)
    officer = office["officer"]
    draft = factories.make_document(team, agency, title="公开的征求意见稿", body=DRAFT_BODY)
    today = timezone.localdate()

    def consultation(title: str, document=draft, open_it: bool = True, **extra):
        made = participation.save_consultation(officer, agency, {
            "document": document.pk, "kind": "rule", "title": title, "explanation": "起草说明",
            "starts_on": today, "ends_on": today + dt.timedelta(days=40), **extra})
        return participation.open_consultation(officer, made) if open_it else made

    public = consultation("公开的征求意见")
    participation.submit_comment(public, participation.CommentData(content="公开的意见"))
    hidden = participation.submit_comment(public, participation.CommentData(
        content=f"{MARKER}被屏蔽的意见", name=f"{MARKER}姓名", contact=f"{MARKER}电话"))
    participation.moderate_comment(officer, hidden, True, "广告")
    participation.submit_comment(public, participation.CommentData(content="署名意见", name=f"{MARKER}真名",
                                                                   contact=f"{MARKER}13900000000"))
    unpublished = end(consultation("已结束待公布采纳情况的征求意见"))
    participation.save_feedback(officer, unpublished, {
        "received_count": 0, "adopted_count": 0, "feedback_text": f"{MARKER}未公布的采纳情况",
        "unadopted": f"{MARKER}意见\n{MARKER}理由"})
    drafted = consultation(f"{MARKER}草稿征求意见", open_it=False, explanation=MARKER)
    withdrawn_doc = factories.make_document(team, agency, title=f"{MARKER}撤回的征求意见稿", body=DRAFT_BODY)
    taken_down = consultation(f"{MARKER}草案已撤回的征求意见", document=withdrawn_doc)
    services.withdraw_document(team[Role.PUBLISHER], withdrawn_doc, "撤回")
    later = consultation(f"{MARKER}尚未开始的征求意见", starts_on=today + dt.timedelta(days=5),
                         ends_on=today + dt.timedelta(days=50))
    return public, unpublished, [drafted, taken_down, later]


def test_consultations_show_nothing_hidden_unpublished_or_of_a_non_public_draft(client, planted_consultations):
    public, unpublished, hidden = planted_consultations
    start = ["/hdjl/yjzj/", "/hdjl/yjzj/?status=closed", "/hdjl/zdjcml/", f"/hdjl/yjzj/{public.pk}/",
             f"/hdjl/yjzj/{public.pk}/yj/", f"/hdjl/yjzj/{unpublished.pk}/", "/api/v1/consultations",
             "/api/v1/consultations?status=closed", f"/api/v1/consultations/{public.pk}",
             f"/api/v1/consultations/{unpublished.pk}", "/wzdt/", "/sitemap.xml", "/", "/hdjl/"]
    bodies = _crawl(client, start, limit=150)
    assert "公开的意见" in bodies[f"/hdjl/yjzj/{public.pk}/yj/"][1]
    # The landing page counts only what the public may see: one open, one ended (nothing of the planted ones).
    landing = bodies["/hdjl/"][1]
    assert '正在征集 <span class="count">（1 项）' in landing and '已结束 <span class="count">（1 项，' in landing
    assert '决策目录 <span class="count">（0 项）' in landing
    assert "署名意见" in bodies[f"/hdjl/yjzj/{public.pk}/yj/"][1]
    for url, (_status, text) in bodies.items():
        assert MARKER not in text, f"non-public consultation content leaked at {url}"
    for path in (f"/hdjl/yjzj/{unpublished.pk}/fk/", f"/api/v1/consultations/{unpublished.pk}/feedback"):
        assert client.get(path).status_code == 404, path
    for consultation in hidden:
        for path in (f"/hdjl/yjzj/{consultation.pk}/", f"/hdjl/yjzj/{consultation.pk}/yj/",
                     f"/api/v1/consultations/{consultation.pk}"):
            assert client.get(path).status_code == 404, path
        posted = client.post(f"/api/v1/consultations/{consultation.pk}/comments", data={"content": "意见"},
                             content_type="application/json")
        assert posted.status_code == 404
    listed = {r["id"] for r in client.get("/api/v1/consultations").json()["results"]}
    assert listed == {public.pk, unpublished.pk}


@pytest.fixture
def planted_records(planted, agency, team):
    """Section 3 of participation: a public meeting whose representative's contact is marked, a marked draft and
    a marked withdrawn meeting; a public evaluation, a marked draft and a marked withdrawn evaluation, and a marked
    published evaluation of a policy since withdrawn; a public reply to a suggestion and a marked draft reply."""
    from gongkai.participation import records
    from tests.disclosure_factories import disclosure_team

    officer = disclosure_team(agency)["officer"]
    held = timezone.localdate() - dt.timedelta(days=2)

    def meeting(title: str, contact: str = "", publish: bool = True):
        made = records.save_meeting(officer, agency, {"title": title, "held_on": held, "topics": f"{title}议题"})
        records.save_attendee(officer, made, {"name": f"{title}代表", "category": "resident", "contact": contact,
                                              "opinion": f"{title}意见", "handling": "adopted"})
        return records.publish_meeting(officer, made) if publish else made

    public_meeting = meeting("公开的列席会议", contact=f"{MARKER}13900000000")
    hidden = [meeting(f"{MARKER}草稿会议", publish=False),
              records.withdraw_meeting(officer, meeting(f"{MARKER}撤回的会议"), "撤回")]
    policy = factories.make_document(team, agency, title="被评估的政策")

    def evaluation(title: str, document=policy, publish: bool = True):
        made = records.save_evaluation(officer, agency, {
            "policy": document.pk, "title": title, "method": "self", "completed_on": held,
            "findings": f"{title}执行情况", "conclusions": f"{title}结论"})
        return records.publish_evaluation(officer, made) if publish else made

    public_evaluation = evaluation("公开的政策评估")
    gone = factories.make_document(team, agency, title="后来撤回的政策")
    orphan = evaluation(f"{MARKER}政策已撤回的评估", document=gone)
    services.withdraw_document(team[Role.PUBLISHER], gone, "撤回")
    hidden_evaluations = [evaluation(f"{MARKER}草稿评估", publish=False),
                          records.withdraw_evaluation(officer, evaluation(f"{MARKER}撤回的评估"), "撤回"), orphan]
    reply = dict(doc_type="建议办理复文", handling_role="lead", reply_grade="B")
    public_reply = factories.make_document(team, agency, title="公开的建议答复", motion_no="第001号", motion_by="公开代表",
                                           **reply)
    draft_reply = factories.make_document(team, agency, publish=False, motion_no=f"{MARKER}号", motion_by=MARKER,
                                          **{**_marked(), **reply})
    return {"meeting": public_meeting, "meetings": hidden, "policy": policy, "evaluation": public_evaluation,
            "evaluations": hidden_evaluations, "reply": public_reply, "draft_reply": draft_reply}


def test_meetings_evaluations_and_replies_show_nothing_unpublished(client, planted_records):
    p = planted_records
    start = ["/hdjl/lxhy/", "/hdjl/zcpg/", "/hdjl/jyta/", "/hdjl/jyta/?type=建议办理复文", "/hdjl/jyta/?type=提案办理复文",
             f"/hdjl/lxhy/{p['meeting'].pk}/", f"/hdjl/zcpg/{p['evaluation'].pk}/",
             f"/xxgk/documents/{p['policy'].pk}/", f"/xxgk/documents/{p['reply'].pk}/",
             "/xxgk/documents/?doc_type=建议办理复文", "/zfxxgk/", "/wzdt/", "/sitemap.xml", "/", "/hdjl/"]
    bodies = _crawl(client, start, limit=150)
    landing = bodies["/hdjl/"][1]
    assert '列席会议 <span class="count">（1 次）' in landing and '政策评估 <span class="count">（1 项）' in landing
    assert '办理复文 <span class="count">（1 件）' in landing
    assert "公开的列席会议代表" in bodies[f"/hdjl/lxhy/{p['meeting'].pk}/"][1]
    assert f"/hdjl/zcpg/{p['evaluation'].pk}/" in bodies[f"/xxgk/documents/{p['policy'].pk}/"][1]
    assert "公开的建议答复" in bodies["/hdjl/jyta/"][1]
    for url, (_status, text) in bodies.items():
        assert MARKER not in text, f"non-public meeting, evaluation or reply leaked at {url}"
    for meeting in p["meetings"]:
        assert client.get(f"/hdjl/lxhy/{meeting.pk}/").status_code == 404
    for evaluation in p["evaluations"]:
        assert client.get(f"/hdjl/zcpg/{evaluation.pk}/").status_code == 404
    assert client.get(f"/xxgk/documents/{p['draft_reply'].pk}/").status_code == 404


@pytest.fixture
def planted_messages(planted, agency):
    """Messages: one publicly replied (its writer's name and phone marked), and marked ones that must stay private —
    a message without consent (answered), a reply not yet published, one still open, a duplicate and an invalid
    one, and an error report with a marked screenshot name."""
    from gongkai.participation import messages
    from tests.disclosure_factories import disclosure_team

    officer = disclosure_team(agency)["officer"]

    def write(title: str, consent: bool = True, **values):
        data = {"category": "mailbox", "agency": agency.code, "title": title, "content": f"{title}正文",
                "name": f"{MARKER}姓名", "phone": "13800009999", "email": "leak@example.com",
                "publish_reply": consent, **values}
        return messages.submit_message(messages.MessageData(**data))[0]

    public = write("公开答复的留言")
    messages.reply_message(officer, public, "公开的答复")
    messages.publish_reply(officer, public)
    private = write(f"{MARKER}不同意公开的留言", consent=False)
    messages.reply_message(officer, private, f"{MARKER}不公开的答复")
    unpublished = write(f"{MARKER}未公开答复的留言")
    messages.reply_message(officer, unpublished, f"{MARKER}尚未公开的答复")
    waiting = write(f"{MARKER}尚未答复的留言")
    repeated = write(f"{MARKER}重复的留言")
    messages.mark_duplicate(officer, repeated, waiting.code, f"{MARKER}重复")
    spam = write(f"{MARKER}广告")
    messages.mark_invalid(officer, spam, f"{MARKER}广告")
    report = write(f"{MARKER}找错", category="error_report", page_url=f"/xxgk/documents/{planted[0].pk}/",
                   attachment_name=f"{MARKER}.png", attachment=b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    return public, [private, unpublished, waiting, repeated, spam, report]


def test_messages_show_only_published_replies_without_personal_data(client, planted_messages, settings):
    public, hidden = planted_messages
    settings.GONGKAI_MESSAGE_RATE_LIMIT = "100/3600"  # room for every recovery request below
    start = ["/hdjl/xx/", "/hdjl/xx/hf/", f"/hdjl/xx/hf/{public.pk}/", "/hdjl/xx/hf/?category=mailbox",
             "/hdjl/xx/hf/?category=error_report", "/hdjl/zc/", "/hdjl/xx/cx/", "/hdjl/xx/zh/", "/api/v1/messages",
             "/api/v1/messages?page_size=100", "/api/v1/messages?category=error_report", "/wzdt/", "/sitemap.xml",
             "/", f"/search/?q={MARKER[:4]}", f"/api/v1/search?q={MARKER[:4]}", "/feeds/latest.xml", "/hdjl/"]
    rebuild_index()
    bodies = _crawl(client, start, limit=150)
    assert '公开答复 <span class="count">（1 件）' in bodies["/hdjl/"][1]
    assert "公开的答复" in bodies[f"/hdjl/xx/hf/{public.pk}/"][1]
    assert f"/hdjl/xx/hf/{public.pk}/" in bodies["/sitemap.xml"][1]
    for url, (_status, text) in bodies.items():
        assert MARKER not in text, f"a private message leaked at {url}"
        assert "13800009999" not in text and "leak@example.com" not in text, f"personal data at {url}"
    for message in hidden:
        assert client.get(f"/hdjl/xx/hf/{message.pk}/").status_code == 404
        assert client.get(f"/hdjl/xx/cx/{message.code}/").status_code == 404  # not unlocked in this session
        assert client.get(f"/api/v1/messages/{message.code}").status_code == 404  # no token
    assert [r["id"] for r in client.get("/api/v1/messages").json()["results"]] == [public.pk]
    # The token recovery form answers the same for a private message's code with its writer's address, with a
    # wrong address, and for no message at all: it tells nothing of the message, nor whether it exists.
    answers = set()
    for code, address in [(m.code, "leak@example.com") for m in hidden] + [
            (hidden[0].code, "other@example.com"), ("LY-2222-3333", "leak@example.com")]:
        response = client.post("/hdjl/xx/zh/", {"code": code, "email": address})
        text = response.content.decode()
        assert response.status_code == 200 and MARKER not in text and "13800009999" not in text
        answers.add(re.search(r'id="recover-answer">(.*?)</div>', text, re.S).group(1))
    assert len(answers) == 1


def test_message_exports_reach_only_the_handling_office(client, planted_messages, agency):
    """The staff download of the mailbox: nothing for the public or staff outside the office; another office gets
    its own list; the office that transferred a message away gets it without the writer's personal data."""
    from gongkai.participation import messages
    from tests.disclosure_factories import disclosure_team

    public, hidden = planted_messages
    url = "/staff/participation/messages/export.csv"
    anonymous = client.get(url, {"view": "all"})
    assert anonymous.status_code == 302 and "/staff/login/" in anonymous["Location"]
    drafter = factories.make_staff(agency, Role.DRAFTER)
    client.force_login(drafter)
    assert client.get(url, {"view": "all"}).status_code == 403
    elsewhere = factories.make_agency("11000000LEAK00009X", "泄露测试另一局")
    stranger = disclosure_team(elsewhere)["officer"]
    client.force_login(stranger)
    assert client.get(url, {"view": "all", "agency": agency.code}).status_code == 404
    for view in ("all", "transferred"):
        text = client.get(url, {"view": view}).content.decode("utf-8-sig")
        assert MARKER not in text and "13800009999" not in text and "leak@example.com" not in text
    officer = disclosure_team(agency)["officer"]
    messages.transfer_message(officer, hidden[2], elsewhere, "转办测试")  # the one still open
    client.force_login(officer)
    sent = client.get(url, {"view": "transferred"}).content.decode("utf-8-sig")
    assert hidden[2].code in sent and f"{MARKER}姓名" not in sent and "13800009999" not in sent
    assert "leak@example.com" not in sent
