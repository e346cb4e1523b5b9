"""Review and publication (services.review): the public version apart from the revision in review, and
一事一审 — one person, one step of one revision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.core.audit import history
from gongkai.core.errors import DomainError, IllegalTransition, PermissionDenied
from gongkai.orgs import services as org_services
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import Document, Revision
from gongkai.publishing.rules import DisclosureMode, Validity, WithholdingGround
from gongkai.publishing.states import State
from gongkai.publishing.visibility import is_public, public_documents
from tests import factories

pytestmark = pytest.mark.django_db

REVIEWERS = (Role.SECRECY_REVIEWER, Role.APPROVER, Role.SIGNER)


def fresh(document: Document) -> Document:
    return Document.objects.get(pk=document.pk)


# --- the public version stays withdrawable whatever the next revision is doing ----------------------------


def test_withdraw_while_the_next_revision_is_a_draft(team, published):
    services.save_revision(team[Role.DRAFTER], published, factories.data(title="修订中的标题"))
    assert fresh(published).state == State.DRAFT and is_public(published)
    services.withdraw_document(team[Role.PUBLISHER], published, "原文有误，先撤下")
    document = fresh(published)
    assert not is_public(document) and document.is_withdrawn
    assert document.state == State.DRAFT, "the draft stays where it is in review"
    assert document.latest_revision.title == "修订中的标题"
    entry = history(document).get(action="withdraw")
    assert (entry.from_state, entry.to_state, entry.comment) == ("published", "withdrawn", "原文有误，先撤下")


def test_withdraw_while_the_next_revision_is_in_review_then_publish_it(team, published):
    services.save_revision(team[Role.DRAFTER], published, factories.data(title="更正后的标题"))
    services.submit_document(team[Role.DRAFTER], published)
    services.withdraw_document(team[Role.PUBLISHER], published, "发现差错")
    assert not is_public(published) and fresh(published).state == State.SECRECY_REVIEW
    services.pass_secrecy_review(team[Role.SECRECY_REVIEWER], published)
    services.approve_document(team[Role.APPROVER], published)
    services.sign_off_document(team[Role.SIGNER], published)
    services.publish_document(team[Role.PUBLISHER], published)
    document = fresh(published)
    assert is_public(document) and not document.is_withdrawn
    assert document.live_revision.title == "更正后的标题"


def test_withdraw_needs_a_public_version(team, agency):
    draft = factories.make_document(team, agency, publish=False)
    with pytest.raises(DomainError, match="没有公开的版本"):
        services.withdraw_document(team[Role.PUBLISHER], draft, "撤回")
    published = factories.make_document(team, agency)
    services.withdraw_document(team[Role.PUBLISHER], published, "撤回")
    with pytest.raises(DomainError, match="没有公开的版本"):
        services.withdraw_document(team[Role.PUBLISHER], published, "再撤一次")


def test_signing_off_a_withheld_revision_takes_the_public_version_down(team, published):
    services.save_revision(team[Role.DRAFTER], published, factories.data(
        disclosure_mode=DisclosureMode.WITHHELD, withholding_ground=WithholdingGround.THIRD_PARTY,
        withholding_reason="涉及第三方商业秘密"))
    factories.advance(team, published)
    document = fresh(published)
    assert document.state == State.FILED
    assert not is_public(document) and document.is_withdrawn and document.live_revision is None
    assert history(document).filter(action="unpublished_by_signoff").exists()


def test_staff_lists_show_a_public_document_with_a_pending_revision(client, team, published):
    services.save_revision(team[Role.DRAFTER], published, factories.data(title="待审的修订"))
    client.force_login(team[Role.PUBLISHER])
    page = client.get(reverse("staff-documents")).content.decode()
    assert "已发布（有待审修订）" in page
    detail = client.get(reverse("staff-document", args=[published.pk])).content.decode()
    assert 'name="action" value="withdraw"' in detail, "withdrawal is offered while a revision is a draft"
    listed = client.get(reverse("staff-documents"), {"state": "published_pending"}).context["page_obj"]
    assert [d.pk for d in listed.object_list] == [published.pk]


# --- 一事一审 ------------------------------------------------------------------------------------------------


def test_a_superuser_cannot_review_what_they_drafted(team, agency):
    admin = factories.make_staff(agency.parent, Role.ADMINISTRATOR, covers_subordinates=True)
    assert admin.is_superuser
    document = services.create_document(admin, agency, factories.data())
    services.submit_document(admin, document)
    with pytest.raises(PermissionDenied, match="一事一审"):
        services.pass_secrecy_review(admin, document)
    assert fresh(document).state == State.SECRECY_REVIEW


def test_one_person_holding_every_role_does_one_step_only(team, agency):
    everyone = factories.make_staff(agency, Role.DRAFTER, *REVIEWERS, Role.PUBLISHER)
    document = services.create_document(everyone, agency, factories.data())
    services.submit_document(everyone, document)
    with pytest.raises(PermissionDenied) as exc:
        services.pass_secrecy_review(everyone, document)
    assert "您已对本文件的这一版本办理过“起草”" in exc.value.message
    services.pass_secrecy_review(team[Role.SECRECY_REVIEWER], document)
    with pytest.raises(PermissionDenied, match="一事一审"):
        services.approve_document(everyone, document)
    services.approve_document(team[Role.APPROVER], document)
    with pytest.raises(PermissionDenied, match="一事一审"):
        services.sign_off_document(everyone, document)
    services.sign_off_document(team[Role.SIGNER], document)
    with pytest.raises(PermissionDenied, match="一事一审"):
        services.publish_document(everyone, document)
    services.publish_document(team[Role.PUBLISHER], document)
    assert is_public(document)


def test_a_reviewer_may_not_also_approve_the_same_revision(team, agency):
    reviewer_approver = factories.make_staff(agency, Role.SECRECY_REVIEWER, Role.APPROVER)
    document = factories.make_document(team, agency, publish=False)
    services.submit_document(team[Role.DRAFTER], document)
    services.pass_secrecy_review(reviewer_approver, document)
    with pytest.raises(PermissionDenied, match="“保密审查”，不能再办理“审核”"):
        services.approve_document(reviewer_approver, document)


def test_duties_are_per_revision(team, agency):
    """Whoever drafted revision 1 may review revision 2 that someone else drafted."""
    both = factories.make_staff(agency, Role.DRAFTER, Role.SECRECY_REVIEWER)
    document = services.create_document(both, agency, factories.data())
    services.submit_document(both, document)
    services.reject_document(team[Role.SECRECY_REVIEWER], document, "请补充依据")
    services.save_revision(team[Role.DRAFTER], document, factories.data(title="补充依据后的通知"))
    services.submit_document(team[Role.DRAFTER], document)
    services.pass_secrecy_review(both, document)
    assert fresh(document).state == State.APPROVAL


def test_whoever_reviewed_a_revision_may_draft_the_next(team, agency):
    """Duties are per revision the other way too: reviewing the public revision does not bar drafting the next one
    (a step on the new revision), and whoever drafts it may not review it."""
    both = factories.make_staff(agency, Role.DRAFTER, Role.SECRECY_REVIEWER)
    document = factories.make_document(team, agency, publish=False)
    services.submit_document(team[Role.DRAFTER], document)
    services.pass_secrecy_review(both, document)
    services.approve_document(team[Role.APPROVER], document)
    services.sign_off_document(team[Role.SIGNER], document)
    services.publish_document(team[Role.PUBLISHER], document)
    services.save_revision(both, document, factories.data(title="修订后的通知"))
    services.submit_document(both, document)
    with pytest.raises(PermissionDenied, match="您已对本文件的这一版本办理过“起草”"):
        services.pass_secrecy_review(both, document)
    assert fresh(document).state == State.SECRECY_REVIEW


def test_the_staff_page_offers_no_second_step(client, agency, team):
    everyone = factories.make_staff(agency, Role.DRAFTER, *REVIEWERS, Role.PUBLISHER)
    document = services.create_document(everyone, agency, factories.data())
    services.submit_document(everyone, document)
    client.force_login(everyone)
    page = client.get(reverse("staff-document", args=[document.pk])).content.decode()
    assert 'value="pass_secrecy_review"' not in page
    response = client.post(reverse("staff-document-action", args=[document.pk]),
                           {"action": "pass_secrecy_review"}, follow=True)
    assert any("一事一审" in str(m) for m in response.context["messages"])


def test_an_agency_may_relax_the_rule_only_through_its_audited_setting(team, agency):
    everyone = factories.make_staff(agency, Role.DRAFTER, *REVIEWERS, Role.PUBLISHER)
    admin = factories.make_staff(agency, Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        org_services.set_combined_duties(everyone, agency, True, "人手不足")
    with pytest.raises(DomainError) as exc:
        org_services.set_combined_duties(admin, agency, True, "  ")
    assert exc.value.field == "reason"
    org_services.set_combined_duties(admin, agency, True, "本镇政务公开专职人员仅一人")
    entry = history(agency).get(action="allow_combined_duties")
    assert entry.actor == admin and entry.comment == "本镇政务公开专职人员仅一人"
    agency.refresh_from_db()
    document = services.create_document(everyone, agency, factories.data())
    services.submit_document(everyone, document)
    services.pass_secrecy_review(everyone, document)
    services.approve_document(everyone, document)
    services.sign_off_document(everyone, document)
    services.publish_document(everyone, document)
    assert is_public(document)
    combined = history(document).get(action="publish")
    assert combined.data["combined_duties"] == ["draft", "secrecy_review", "approval", "signoff"]
    org_services.set_combined_duties(admin, agency, False, "已配齐人员")
    assert history(agency).filter(action="forbid_combined_duties").exists()


def test_full_flow_writes_an_audit_entry_per_step(team, agency):
    document = factories.make_document(team, agency)
    steps = [(e.action, e.from_state, e.to_state) for e in history(document)]
    assert steps == [
        ("create_document", "", "draft"),
        ("submit", "draft", "secrecy_review"),
        ("pass_secrecy_review", "secrecy_review", "approval"),
        ("approve", "approval", "signoff"),
        ("sign_off", "signoff", "ready"),
        ("publish", "ready", "published"),
    ]
    assert all(e.actor_id for e in history(document))
    assert document.published_on == timezone.localdate()
    assert is_public(document)


@pytest.mark.parametrize("step", ["pass_secrecy_review", "approve_document", "sign_off_document"])
def test_drafter_cannot_review_approve_or_sign(team, agency, step):
    document = factories.make_document(team, agency, publish=False)
    services.submit_document(team[Role.DRAFTER], document)
    with pytest.raises((PermissionDenied, IllegalTransition)):
        getattr(services, step)(team[Role.DRAFTER], document)


def test_illegal_moves_are_refused_in_chinese(team, agency):
    document = factories.make_document(team, agency, publish=False)
    with pytest.raises(IllegalTransition, match="当前状态为“草稿”，不能执行“立即发布”"):
        services.publish_document(team[Role.PUBLISHER], document)
    with pytest.raises(IllegalTransition):
        services.approve_document(team[Role.APPROVER], document)
    assert Document.objects.get(pk=document.pk).state == State.DRAFT


def test_user_of_another_agency_has_no_say(team, agency):
    other = factories.make_agency()
    outsider = factories.make_staff(other, Role.SECRECY_REVIEWER)
    document = factories.make_document(team, agency, publish=False)
    services.submit_document(team[Role.DRAFTER], document)
    with pytest.raises(PermissionDenied, match="没有在“测试市财政局”担任“保密审查人”的权限"):
        services.pass_secrecy_review(outsider, document)


def test_role_over_subordinates_reaches_child_agencies(team, agency):
    supervisor = factories.make_staff(agency.parent, Role.SECRECY_REVIEWER, covers_subordinates=True)
    local_only = factories.make_staff(agency.parent, Role.SECRECY_REVIEWER)
    document = factories.make_document(team, agency, publish=False)
    services.submit_document(team[Role.DRAFTER], document)
    with pytest.raises(PermissionDenied):
        services.pass_secrecy_review(local_only, document)
    services.pass_secrecy_review(supervisor, document)


@pytest.mark.parametrize("stage", [0, 1, 2, 3])
def test_reject_from_every_step_needs_a_comment_and_returns_to_draft(team, agency, stage):
    document = factories.make_document(team, agency, publish=False)
    moves = [(services.submit_document, Role.DRAFTER), (services.pass_secrecy_review, Role.SECRECY_REVIEWER),
             (services.approve_document, Role.APPROVER), (services.sign_off_document, Role.SIGNER)]
    for move, role in moves[:stage + 1]:
        document = move(team[role], document)
    rejecter = [Role.SECRECY_REVIEWER, Role.APPROVER, Role.SIGNER, Role.PUBLISHER][stage]
    with pytest.raises(DomainError, match="请填写意见"):
        services.reject_document(team[rejecter], document, "  ")
    document = services.reject_document(team[rejecter], document, "请补充依据")
    assert document.state == State.DRAFT
    last = list(history(document))[-1]
    assert last.comment == "请补充依据" and last.to_state == State.DRAFT


def test_published_revision_stays_public_until_new_one_is_published(team, agency, published):
    first = published.live_revision
    services.save_revision(team[Role.DRAFTER], published, factories.data(title="修订后的标题"))
    document = Document.objects.get(pk=published.pk)
    assert document.state == State.DRAFT
    assert document.live_revision_id == first.pk
    assert public_documents().get(pk=document.pk).live_revision.title == "关于做好测试工作的通知"
    factories.advance(team, document)
    services.publish_document(team[Role.PUBLISHER], document)
    document = Document.objects.get(pk=published.pk)
    assert document.live_revision.title == "修订后的标题"
    assert document.live_revision.number == 2
    assert Revision.objects.filter(document=document).count() == 2


def test_withheld_document_is_filed_and_never_publishable(team, agency):
    document = factories.make_document(
        team, agency, publish=False, disclosure_mode=DisclosureMode.WITHHELD,
        withholding_ground=WithholdingGround.INTERNAL_AFFAIRS, withholding_reason="内部事务")
    document = factories.advance(team, document)
    assert document.state == State.FILED
    with pytest.raises(IllegalTransition):
        services.publish_document(team[Role.PUBLISHER], document)
    assert not is_public(document)


def test_scheduled_publication_by_the_worker(team, agency):
    document = factories.make_document(team, agency, publish=False)
    factories.advance(team, document)
    with pytest.raises(DomainError, match="必须晚于现在"):
        services.schedule_document(team[Role.PUBLISHER], document, timezone.now() - dt.timedelta(minutes=1))
    at = timezone.now() + dt.timedelta(hours=1)
    services.schedule_document(team[Role.PUBLISHER], document, at)
    assert services.publish_due_documents(timezone.now()) == []
    assert not is_public(document)
    assert services.publish_due_documents(at + dt.timedelta(seconds=1)) == [document.pk]
    document = Document.objects.get(pk=document.pk)
    assert document.state == State.PUBLISHED and is_public(document)
    assert list(history(document))[-1].actor_name == "系统"


def test_cancel_schedule(team, agency):
    document = factories.advance(team, factories.make_document(team, agency, publish=False))
    services.schedule_document(team[Role.PUBLISHER], document, timezone.now() + dt.timedelta(days=1))
    document = services.cancel_schedule(team[Role.PUBLISHER], document)
    assert document.state == State.READY and document.scheduled_at is None


def test_withdraw_removes_from_public(team, agency, published):
    with pytest.raises(DomainError):
        services.withdraw_document(team[Role.PUBLISHER], published, "")
    services.withdraw_document(team[Role.PUBLISHER], published, "发现差错，撤回核实")
    assert not is_public(published)


def test_a_step_is_refused_on_a_newer_revision_than_the_one_read(team, agency):
    """A reviewer's page shows revision 1; it is sent back, rewritten and resubmitted: their click must not pass
    revision 2, which they never read."""
    document = factories.make_document(team, agency, publish=False)
    services.submit_document(team[Role.DRAFTER], document, revision=1)
    services.reject_document(team[Role.SECRECY_REVIEWER], document, "请补充依据", revision=1)
    services.save_revision(team[Role.DRAFTER], document, factories.data(title="补充依据后的通知"))
    services.submit_document(team[Role.DRAFTER], document, revision=2)
    with pytest.raises(DomainError, match="已有新版本（第 2 版）"):
        services.pass_secrecy_review(team[Role.SECRECY_REVIEWER], document, revision=1)
    assert fresh(document).state == State.SECRECY_REVIEW
    services.pass_secrecy_review(team[Role.SECRECY_REVIEWER], document, revision=2)
    assert fresh(document).state == State.APPROVAL


def test_the_page_says_why_a_holder_of_the_role_is_offered_nothing(client, team, agency):
    both = factories.make_staff(agency, Role.DRAFTER, Role.SECRECY_REVIEWER)
    document = services.create_document(both, agency, factories.data())
    services.submit_document(both, document)
    client.force_login(both)
    page = client.get(reverse("staff-document", args=[document.pk])).content.decode()
    assert 'id="duty-refusal"' in page and "办理过“起草”" in page
    client.force_login(team[Role.SECRECY_REVIEWER])
    assert 'id="duty-refusal"' not in client.get(reverse("staff-document", args=[document.pk])).content.decode()


def test_the_inbox_leaves_out_what_one_may_not_do(client, team, agency):
    both = factories.make_staff(agency, Role.DRAFTER, Role.SECRECY_REVIEWER)
    mine = services.create_document(both, agency, factories.data(title="自己起草的通知"))
    services.submit_document(both, mine)
    theirs = factories.make_document(team, agency, publish=False, title="别人起草的通知")
    services.submit_document(team[Role.DRAFTER], theirs)
    client.force_login(both)
    assert [d.pk for d in client.get("/staff/").context["inbox"]] == [theirs.pk]
    client.force_login(team[Role.SECRECY_REVIEWER])
    assert {d.pk for d in client.get("/staff/").context["inbox"]} == {mine.pk, theirs.pk}


def test_withdrawing_keeps_a_scheduled_revision_on_its_time(team, published):
    services.save_revision(team[Role.DRAFTER], published, factories.data(title="定时发布的修订"))
    factories.advance(team, published)
    at = timezone.now() + dt.timedelta(hours=2)
    services.schedule_document(team[Role.PUBLISHER], published, at)
    services.withdraw_document(team[Role.PUBLISHER], published, "原文有误，先撤下")
    document = fresh(published)
    assert not is_public(document) and document.state == State.SCHEDULED and document.scheduled_at == at
    assert services.publish_due_documents(now=at + dt.timedelta(minutes=1)) == [published.pk]
    assert is_public(published) and fresh(published).live_revision.title == "定时发布的修订"


def test_a_drafter_alone_is_told_nothing_about_duties(client, team, agency):
    document = factories.make_document(team, agency, publish=False)
    services.submit_document(team[Role.DRAFTER], document)
    client.force_login(team[Role.DRAFTER])
    assert 'id="duty-refusal"' not in client.get(reverse("staff-document", args=[document.pk])).content.decode()


def test_a_withdrawn_documents_validity_is_not_changed_by_an_edit(client, team, published):
    services.withdraw_document(team[Role.PUBLISHER], published, "撤回")
    services.save_revision(team[Role.DRAFTER], published, factories.data(
        validity=Validity.REPEALED, repealed_on=dt.date(2026, 4, 1)))
    assert fresh(published).validity == Validity.VALID, "the publisher changes validity, through set_validity"
    client.force_login(team[Role.DRAFTER])
    form = client.get(reverse("staff-document-edit", args=[published.pk])).context["form"]
    assert form.fields["validity"].disabled


def test_odd_digits_in_a_posted_number_are_refused_politely(client, team, agency):
    document = factories.make_document(team, agency, publish=False)
    client.force_login(team[Role.DRAFTER])
    response = client.post(reverse("staff-document-action", args=[document.pk]),
                           {"action": "submit", "revision": "²"}, follow=True)
    assert response.status_code == 200
    assert client.get(reverse("staff-document-new"), {"interprets": "²"}).status_code == 200
    assert client.get("/xxgk/documents/", {"year": "²"}).status_code in (200, 400)
