"""The publishing workflow: roles, states, audit, revisions, scheduling, withdrawal and relations."""

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.core.audit import history
from gongkai.core.errors import DomainError, IllegalTransition, PermissionDenied
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import Document, DocumentKind, Revision
from gongkai.publishing.rules import DisclosureMode, RelationKind, Validity, WithholdingGround
from gongkai.publishing.states import State
from gongkai.publishing.visibility import is_public, public_documents
from tests import factories


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


def test_index_numbers_are_per_agency_and_year(team, agency):
    a = factories.make_document(team, agency, publish=False)
    b = factories.make_document(team, agency, publish=False)
    c = factories.make_document(team, agency, publish=False, formed_on=dt.date(2025, 12, 1),
                                signed_on=dt.date(2025, 12, 1))
    assert a.index_no.endswith("/2026-00001")
    assert b.index_no.endswith("/2026-00002")
    assert c.index_no == f"{agency.code}/2025-00001"


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


def test_revision_cannot_be_edited_during_review(team, agency):
    document = factories.make_document(team, agency, publish=False)
    services.submit_document(team[Role.DRAFTER], document)
    with pytest.raises(DomainError, match="不能修改"):
        services.save_revision(team[Role.DRAFTER], document, factories.data(title="偷偷修改"))


def test_withheld_document_is_filed_and_never_publishable(team, agency):
    document = factories.make_document(
        team, agency, publish=False, disclosure_mode=DisclosureMode.WITHHELD,
        withholding_ground=WithholdingGround.INTERNAL_AFFAIRS, withholding_reason="内部事务")
    document = factories.advance(team, document)
    assert document.state == State.FILED
    with pytest.raises(IllegalTransition):
        services.publish_document(team[Role.PUBLISHER], document)
    assert not is_public(document)


def test_non_proactive_needs_ground_and_reason(team, agency):
    with pytest.raises(DomainError) as err:
        services.create_document(team[Role.DRAFTER], agency,
                                 factories.data(disclosure_mode=DisclosureMode.ON_APPLICATION))
    assert set(err.value.errors) == {"withholding_ground", "withholding_reason"}
    assert not Document.objects.exists()


def test_validation_reports_every_field(team, agency):
    with pytest.raises(DomainError) as err:
        services.create_document(team[Role.DRAFTER], agency,
                                 factories.data(title="", body="<script>x</script>", subject="乱写", doc_type="?"))
    assert {"title", "body", "subject", "doc_type"} <= set(err.value.errors)
    assert err.value.errors["title"] == ["请填写标题。"]


def test_body_is_sanitised(team, agency):
    document = factories.make_document(team, agency, body='<p onclick="evil()">正文<script>alert(1)</script></p>')
    html = document.live_revision.body_html
    assert "script" not in html and "onclick" not in html and "正文" in html


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


def test_repeal_and_amend_relations_change_validity_both_ways(team, agency, published):
    amended = factories.make_document(team, agency, title="被修改的文件")
    repealer = factories.make_document(
        team, agency, title="新办法", effective_on=dt.date(2026, 5, 1),
        relations=[(RelationKind.REPEALS, published.pk), (RelationKind.AMENDS, amended.pk)])
    published.refresh_from_db()
    amended.refresh_from_db()
    assert published.validity == Validity.REPEALED and published.repealed_on == dt.date(2026, 5, 1)
    assert amended.validity == Validity.AMENDED
    assert any(e.action == "set_validity" for e in history(published))
    assert repealer.validity == Validity.VALID


def test_interpretation_requires_a_target(team, agency, published):
    with pytest.raises(DomainError) as err:
        services.create_document(team[Role.DRAFTER], agency,
                                 factories.data(title="解读", doc_type="政策解读", interpretation_format="text"),
                                 kind=DocumentKind.INTERPRETATION)
    assert "relations" in err.value.errors
    interp = factories.make_document(
        team, agency, kind=DocumentKind.INTERPRETATION, title="解读", doc_type="政策解读",
        interpretation_format="qa", qa=[{"q": "问什么", "a": "答什么"}],
        relations=[(RelationKind.INTERPRETS, published.pk)])
    assert is_public(interp)


def test_set_validity_service(team, agency, published):
    with pytest.raises(DomainError, match="废止日期"):
        services.set_validity(team[Role.PUBLISHER], published, Validity.REPEALED)
    with pytest.raises(PermissionDenied):
        services.set_validity(team[Role.DRAFTER], published, Validity.EXPIRED, expires_on=dt.date(2026, 6, 1))
    services.set_validity(team[Role.PUBLISHER], published, Validity.EXPIRED, expires_on=dt.date(2026, 6, 1),
                          comment="有效期届满")
    published.refresh_from_db()
    assert published.validity == Validity.EXPIRED


def test_audit_entries_are_append_only(published):
    entry = history(published).first()
    entry.comment = "篡改"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
