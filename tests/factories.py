"""Test data made through the services, so tests walk the same paths as users."""

from __future__ import annotations

import datetime as dt
import itertools

from gongkai.core.codes import credit_code_check
from gongkai.orgs import services as org_services
from gongkai.orgs.models import Agency, AgencyKind
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import Document, DocumentKind
from gongkai.publishing.services import DocumentData

PASSWORD = "test-pass-123"
_seq = itertools.count(1)


def credit_code(n: int, prefix: str = "11330100MB") -> str:
    """A valid 18-character unified social credit code, distinct per `n` (check character computed)."""
    first17 = f"{prefix}{n:0{17 - len(prefix)}d}"
    return first17 + credit_code_check(first17)


def make_agency(code: str | None = None, name: str | None = None, parent: Agency | None = None,
                kind: str = AgencyKind.DEPARTMENT) -> Agency:
    n = next(_seq)
    return org_services.upsert_agency(code or f"TESTCODE{n:04d}", name or f"测试机关{n}", parent=parent, kind=kind)


def make_staff(agency: Agency, *roles: str, username: str | None = None, covers_subordinates: bool = False):
    n = next(_seq)
    return org_services.create_staff_user(username or f"user{n}", agency=agency, full_name=f"工作人员{n}",
                                          roles=list(roles), password=PASSWORD,
                                          covers_subordinates=covers_subordinates)


def make_team(agency: Agency) -> dict[str, object]:
    """One user per workflow role in `agency`."""
    return {role: make_staff(agency, role) for role in (Role.DRAFTER, Role.SECRECY_REVIEWER, Role.APPROVER,
                                                        Role.SIGNER, Role.PUBLISHER)}


def data(**overrides) -> DocumentData:
    """A revision's fields; formed_on is left to the services: a new document is formed on its signed_on
    (2026-03-02), a change to a public one on the change date."""
    values = dict(title="关于做好测试工作的通知", body="<p>为做好测试工作，现将有关事项通知如下。</p>",
                  subject="综合政务\\政务公开", doc_type="通知", doc_number="测政发〔2026〕1号",
                  signed_on=dt.date(2026, 3, 2))
    values.update(overrides)
    return DocumentData(**values)


def make_document(team: dict, agency: Agency, *, publish: bool = True, kind: str = DocumentKind.POLICY,
                  **overrides) -> Document:
    """A document drafted by the team's drafter and, if `publish`, taken through every step to public."""
    document = services.create_document(team[Role.DRAFTER], agency, data(**overrides), kind=kind)
    if publish:
        advance(team, document)
        document = services.publish_document(team[Role.PUBLISHER], document)
    return Document.objects.get(pk=document.pk)


def advance(team: dict, document: Document) -> Document:
    """Submit, pass secrecy review, approve and sign off."""
    services.submit_document(team[Role.DRAFTER], document)
    services.pass_secrecy_review(team[Role.SECRECY_REVIEWER], document)
    services.approve_document(team[Role.APPROVER], document)
    return services.sign_off_document(team[Role.SIGNER], document)
