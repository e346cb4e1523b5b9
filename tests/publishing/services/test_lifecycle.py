"""立改废 (services.lifecycle): a relation that changes another agency's document takes effect only when that
agency's publisher confirms it; until then both agencies see it as pending and the public sees nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gongkai.core.audit import history
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import Document, Relation
from gongkai.publishing.rules import RelationKind, Validity
from gongkai.publishing.states import RelationStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(agency):
    """Another department under the same government, with its own team and a published document."""
    other_agency = factories.make_agency(name="测试市民政局", parent=agency.parent)
    other_team = factories.make_team(other_agency)
    target = factories.make_document(other_team, other_agency, title="民政局的暂行办法", doc_number="测民发〔2020〕1号")
    return other_agency, other_team, target


def _repeal(team, agency, target, kind=RelationKind.REPEALS, **extra) -> Document:
    return factories.make_document(team, agency, title="财政局的新办法", relations=[(kind, target.pk)],
                                   effective_on=dt.date(2026, 4, 1), **extra)


def fresh(document: Document) -> Document:
    return Document.objects.get(pk=document.pk)


def test_another_agencys_repeal_waits_for_its_publisher(client, team, agency, other):
    other_agency, other_team, target = other
    source = _repeal(team, agency, target)
    relation = Relation.objects.get(revision=source.live_revision)
    assert relation.status == RelationStatus.PENDING
    assert fresh(target).validity == Validity.VALID, "nothing changes before the other agency confirms"
    # Shown to both agencies as pending.
    client.force_login(team[Role.PUBLISHER])
    assert "待对方机关确认" in client.get(reverse("staff-document", args=[source.pk])).content.decode()
    client.force_login(other_team[Role.PUBLISHER])
    page = client.get(reverse("staff-document", args=[target.pk])).content.decode()
    assert "拟废止本文件" in page and "待本机关确认" in page and 'value="confirm_relation"' in page
    dashboard = client.get(reverse("staff-dashboard"))
    assert [r.pk for r in dashboard.context["relations_to_confirm"]] == [relation.pk]
    # The public sees neither the repeal nor the relation yet.
    public = client.get(reverse("public-document", args=[target.pk])).content.decode()
    assert "财政局的新办法" not in public
    api = client.get(f"/api/v1/documents/{target.pk}").json()
    assert api["validity"] == Validity.VALID and api["relations"] == []


def test_only_the_target_agencys_publisher_confirms(team, agency, other):
    other_agency, other_team, target = other
    relation = Relation.objects.get(revision=_repeal(team, agency, target).live_revision)
    for outsider in (team[Role.PUBLISHER], other_team[Role.DRAFTER]):
        with pytest.raises(PermissionDenied):
            services.confirm_relation(outsider, relation)
    services.confirm_relation(other_team[Role.PUBLISHER], relation, "同意废止")
    relation.refresh_from_db()
    assert relation.status == RelationStatus.EFFECTIVE and relation.decided_by == other_team[Role.PUBLISHER]
    document = fresh(target)
    assert document.validity == Validity.REPEALED and document.repealed_on == dt.date(2026, 4, 1)
    assert history(document).filter(action="relation_confirmed").exists()
    assert history(document).filter(action="set_validity").exists()


def test_confirmed_relation_shows_both_ways_in_public(client, team, agency, other):
    _, other_team, target = other
    source = _repeal(team, agency, target)
    services.confirm_relation(other_team[Role.PUBLISHER], Relation.objects.get(revision=source.live_revision))
    public = client.get(reverse("public-document", args=[target.pk])).content.decode()
    assert "财政局的新办法" in public


def test_declining_needs_a_reason_and_changes_nothing(team, agency, other):
    _, other_team, target = other
    relation = Relation.objects.get(revision=_repeal(team, agency, target, RelationKind.AMENDS).live_revision)
    with pytest.raises(DomainError) as exc:
        services.decline_relation(other_team[Role.PUBLISHER], relation, "")
    assert exc.value.field == "comment"
    services.decline_relation(other_team[Role.PUBLISHER], relation, "本局文件已另行修订，不同意")
    relation.refresh_from_db()
    assert relation.status == RelationStatus.DECLINED and fresh(target).validity == Validity.VALID
    with pytest.raises(DomainError):
        services.confirm_relation(other_team[Role.PUBLISHER], relation)


def test_a_withdrawn_source_cannot_be_confirmed(team, agency, other):
    _, other_team, target = other
    source = _repeal(team, agency, target)
    relation = Relation.objects.get(revision=source.live_revision)
    services.withdraw_document(team[Role.PUBLISHER], source, "撤回")
    with pytest.raises(DomainError, match="不再公开"):
        services.confirm_relation(other_team[Role.PUBLISHER], relation)
    assert fresh(target).validity == Validity.VALID


def test_a_later_revision_keeps_a_confirmed_relation(team, agency, other):
    _, other_team, target = other
    source = _repeal(team, agency, target)
    services.confirm_relation(other_team[Role.PUBLISHER], Relation.objects.get(revision=source.live_revision))
    services.save_revision(team[Role.DRAFTER], source, factories.data(
        title="财政局的新办法（修订）", relations=[(RelationKind.REPEALS, target.pk)]))
    factories.advance(team, source)
    services.publish_document(team[Role.PUBLISHER], source)
    again = Relation.objects.get(revision=fresh(source).live_revision)
    assert again.status == RelationStatus.EFFECTIVE


def test_within_one_agency_a_relation_takes_effect_at_publication(team, agency):
    old = factories.make_document(team, agency, title="旧办法")
    source = _repeal(team, agency, old)
    assert Relation.objects.get(revision=source.live_revision).status == RelationStatus.EFFECTIVE
    assert fresh(old).validity == Validity.REPEALED


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


def test_set_validity_service(team, agency, published):
    with pytest.raises(DomainError, match="废止日期"):
        services.set_validity(team[Role.PUBLISHER], published, Validity.REPEALED)
    with pytest.raises(PermissionDenied):
        services.set_validity(team[Role.DRAFTER], published, Validity.EXPIRED, expires_on=dt.date(2026, 6, 1))
    services.set_validity(team[Role.PUBLISHER], published, Validity.EXPIRED, expires_on=dt.date(2026, 6, 1),
                          comment="有效期届满")
    published.refresh_from_db()
    assert published.validity == Validity.EXPIRED


def test_the_declaring_agency_follows_its_requests_on_the_dashboard(client, team, agency, other):
    _, other_team, target = other
    source = _repeal(team, agency, target)
    client.force_login(team[Role.PUBLISHER])
    awaiting = client.get(reverse("staff-dashboard")).context["relations_awaiting"]
    assert [r.target_id for r in awaiting] == [target.pk]
    assert "待对方机关确认" in client.get(reverse("staff-dashboard")).content.decode()
    services.decline_relation(other_team[Role.PUBLISHER], Relation.objects.get(revision=source.live_revision),
                              "本局另行修订")
    page = client.get(reverse("staff-dashboard")).content.decode()
    assert "对方机关未同意" in page and "本局另行修订" in page


def test_another_agencys_drafts_stay_theirs(client, team, agency, other):
    """The declaring agency sees the target as the public sees it, not the target agency's pending draft."""
    _, other_team, target = other
    services.save_revision(other_team[Role.DRAFTER], target, factories.data(title="内部讨论稿"))
    source = _repeal(team, agency, target)
    client.force_login(team[Role.PUBLISHER])
    for url in (reverse("staff-dashboard"), reverse("staff-document", args=[source.pk])):
        page = client.get(url).content.decode()
        assert "民政局的暂行办法" in page and "内部讨论稿" not in page
