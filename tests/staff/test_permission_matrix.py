"""The permission matrix (issue #8): every staff URL and every workflow action, for every role in every scope,
checked against the rule tables written below — the specification, independent of the code's own tables.

Scopes: a role granted in the object's own agency, in a sibling agency, or in the parent agency with or without
covers_subordinates; plus a superuser, a staff member with no role, an anonymous visitor and a signed-in
member of the public. The objects live in the own agency (for a relation: the agency whose document it changes).

The world (agencies, one user per actor, one object per workflow state) is built once for the module through
the services and rolled back at the end; every test runs in a savepoint of its own, so each test sees the
objects exactly as built, whatever the tests before it did.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.core.workflow import Workflow
from gongkai.disclosure import services as disclosure
from gongkai.disclosure.models import Application, CaseEvent, LitigationRoute, RemedyOutcome
from gongkai.disclosure.rules import FeeBasis, PauseKind
from gongkai.orgs import services as org_services
from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.publishing.models import Attachment, Document, Relation, Revision
from gongkai.publishing.rules import RelationKind, Validity
from gongkai.search.models import HotSearchRule
from tests import factories
from tests.disclosure_factories import RESIDENT_ID, applicant, disclosure_team, make_application
from tests.samples import minimal_pdf

pytestmark = pytest.mark.django_db

D, SR, AP, SG, PB = Role.DRAFTER, Role.SECRECY_REVIEWER, Role.APPROVER, Role.SIGNER, Role.PUBLISHER
OF, HD, AD = Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD, Role.ADMINISTRATOR
HANDLERS = frozenset({OF, HD})
DOCUMENT_ROLES = frozenset({D, SR, AP, SG, PB})  # who works on documents (the dashboard's document panel)
ANY_ROLE = frozenset(Role.values)

# ---------------------------------------------------------------------------------------------------------------
# The rule tables (the specification)

# Who may take each workflow action people can take, in the agency the object belongs to (一事一审 aside).
TRANSITION_ROLES: dict[str, frozenset[str]] = {
    # 先审查、后公开: each step of the review chain belongs to one role.
    "publishing.review:create_document": frozenset({D}),
    "publishing.review:create_from_application": HANDLERS,  # 依申请转主动公开 is drafted by the disclosure office
    "publishing.review:save_revision": frozenset({D}),
    "publishing.review:submit": frozenset({D}),
    "publishing.review:pass_secrecy_review": frozenset({SR}),
    "publishing.review:reject_secrecy_review": frozenset({SR}),
    "publishing.review:approve": frozenset({AP}),
    "publishing.review:reject_approval": frozenset({AP}),
    "publishing.review:sign_off": frozenset({SG}),
    "publishing.review:reject_signoff": frozenset({SG}),
    "publishing.review:publish": frozenset({PB}),
    "publishing.review:schedule": frozenset({PB}),
    "publishing.review:cancel_schedule": frozenset({PB}),
    "publishing.review:reject_publication": frozenset({PB}),
    "publishing.review:withdraw": frozenset({PB}),
    "publishing.validity:set_validity": frozenset({PB}),
    # A repeal or amendment of this agency's document is confirmed by this agency's publisher, never the other's.
    "publishing.relation:confirm_relation": frozenset({PB}),
    "publishing.relation:decline_relation": frozenset({PB}),
    # 依申请公开: the disclosure officer or the head of the disclosure office handles a case ...
    "disclosure.case:register_application": HANDLERS,
    "disclosure.case:accept": HANDLERS,
    "disclosure.case:receive_correction": HANDLERS,
    "disclosure.case:record_payment": HANDLERS,
    "disclosure.case:end_consultation": HANDLERS,
    # ... but only the head decides on an extension (《条例》第三十三条).
    "disclosure.case:approve_extension": frozenset({HD}),
    "disclosure.case:refuse_extension": frozenset({HD}),
    "disclosure.case:decide": HANDLERS,
    "disclosure.case:generate_letter": HANDLERS,
    "disclosure.case:deliver": HANDLERS,
    "disclosure.case:close": HANDLERS,
    "disclosure.case:request_correction": HANDLERS,
    "disclosure.case:convert_to_proactive": HANDLERS,
    "disclosure.case:update_remedy": HANDLERS,
    "disclosure.case:start_consultation": HANDLERS,
    "disclosure.case:record_review": HANDLERS,
    "disclosure.case:record_litigation": HANDLERS,
    "disclosure.case:request_extension": HANDLERS,
    "disclosure.case:issue_fee_notice": HANDLERS,
    "disclosure.case:assign": HANDLERS,
    "disclosure.case:note": HANDLERS,
    "disclosure.case:record_fee_receipt": HANDLERS,
    "disclosure.case:edit_released": HANDLERS,
    "disclosure.case:email_reply": HANDLERS,
    "disclosure.case:publish_reply": HANDLERS,
    "disclosure.case:post_reply": HANDLERS,
    "disclosure.case:split_request": HANDLERS,
    "disclosure.case:ask_bulk_reason": HANDLERS,
    "disclosure.case:defer_reply": HANDLERS,
    # 《条例》第四十一条 correction requests and 第四十三条 help are handled by the same office.
    "disclosure.case:decide_record_correction": HANDLERS,
    "disclosure.case:record_assistance": HANDLERS,
    # The guide, catalogue and negative list go public when the head of the disclosure office reviews them.
    "catalog.review:publish": frozenset({HD}),
    "catalog.review:retire": frozenset({HD}),
    # Curated Q&A pairs are written by drafters and reviewed by approvers, like documents.
    "qa.pair:submit": frozenset({D}),
    "qa.pair:publish": frozenset({AP}),
    "qa.pair:return": frozenset({AP}),
    "qa.pair:revise": frozenset({D}),
    # The annual report is drafted and released by the disclosure office (three different people in all).
    # Consultations on drafts are run by the disclosure office, as the catalogue: opening and the feedback.
    "participation.consultation:open": HANDLERS,
    "participation.consultation:publish_feedback": HANDLERS,
    # Meeting records and policy evaluations: the same office publishes them and withdraws them.
    "participation.meeting:publish": HANDLERS,
    "participation.meeting:withdraw": HANDLERS,
    "participation.evaluation:publish": HANDLERS,
    "participation.evaluation:withdraw": HANDLERS,
    # The mailbox (政府信箱, 找错) is answered by the disclosure office of the agency handling the message.
    "participation.message:register_message": HANDLERS,  # a letter, call or visit entered by the office
    "participation.message:transfer_message": HANDLERS,
    "participation.message:reply_message": HANDLERS,
    "participation.message:mark_duplicate": HANDLERS,
    "participation.message:mark_invalid": HANDLERS,
    "participation.message:publish_reply": HANDLERS,
    "participation.message:withdraw_reply": HANDLERS,
    "participation.message:record_fix": HANDLERS,
    "reports.annual:draft": HANDLERS,
    # ... but only the head of the office reviews it (负责人审定): a clerk never passes a report on.
    "reports.annual:review": frozenset({HD}),
    "reports.annual:reject_review": frozenset({HD}),
    "reports.annual:release": HANDLERS,
    "reports.annual:reject_release": HANDLERS,
    # The work plan (工作要点): the owner agency's disclosure office carries out and reports its task ...
    "assessment.workplan:start_task": HANDLERS,
    "assessment.workplan:report_task": HANDLERS,
    # ... and the general office confirms or returns the report (TRANSITION_GATES: only at the root, over all).
    "assessment.workplan:confirm_task": frozenset({HD, AD}),
    "assessment.workplan:return_task": frozenset({HD, AD}),
}

# Where a role granted in one scope reaches: a grant with covers_subordinates reaches every agency below.
# The agencies: root (the city) → parent (a district) → own and other (two of its departments).
REACH = {"own": {"own"}, "other": {"other"}, "parent+sub": {"parent", "own", "other"}, "parent": {"parent"},
         "root+sub": {"root", "parent", "own", "other"}}
SCOPES = ("own", "other", "parent+sub", "parent")


@dataclass(frozen=True)
class Actor:
    """Who makes the request: a staff member holding `grants` (role, scope), or one of the actors without."""

    name: str
    kind: str  # role, superuser, no_role, anonymous, non_staff
    grants: tuple[tuple[str, str], ...] = ()  # (role, a key of REACH)

    def __str__(self) -> str:
        return self.name


ACTORS = [Actor(f"{role}@{scope}", "role", ((role, scope),)) for role in Role.values for scope in SCOPES] + [
    # Granted two levels up with covers_subordinates (an administrator there would be the superuser).
    *(Actor(f"{role}@root+sub", "role", ((role, "root+sub"),)) for role in (D, PB, HD)),
    # A role here and another role elsewhere: neither may be used where it was not granted.
    Actor(f"{D}@own+{PB}@other", "role", ((D, "own"), (PB, "other"))),
    Actor(f"{OF}@other+{D}@own", "role", ((OF, "other"), (D, "own"))),
    Actor("superuser", "superuser"), Actor("no-role", "no_role"), Actor("anonymous", "anonymous"),
    Actor("non-staff", "non_staff")]
BY_NAME = {a.name: a for a in ACTORS}


def may(actor: Actor, roles, agency: str = "own") -> bool:
    """The scope rule: a superuser, or one of `roles` granted in `agency` or above it with covers_subordinates."""
    if actor.kind == "superuser":
        return True
    return any(role in roles and agency in REACH[scope] for role, scope in actor.grants)


def reads(actor: Actor) -> bool:
    """Documents are open to staff holding any role in their agency."""
    return may(actor, ANY_ROLE)


def handles(actor: Actor) -> bool:
    """Cases are open only to the agency's disclosure officers and the head of its disclosure office."""
    return may(actor, HANDLERS)


def holds_anywhere(actor: Actor, roles) -> bool:
    """Whether the actor holds one of `roles` in any agency at all."""
    return actor.kind == "superuser" or any(role in roles for role, _ in actor.grants)


def allowed(actor: Actor, transition: str) -> bool:
    """Whether the rule table lets the actor take `transition` on an object of the own agency."""
    gate = TRANSITION_GATES.get(transition)
    return gate(actor) if gate else may(actor, TRANSITION_ROLES[transition])


LOGIN = "login"  # a redirect to the staff login page, carrying ?next=


@dataclass(frozen=True)
class Rule:
    """What one staff URL gives each actor; `staff(actor)` is the status for a signed-in staff member."""

    staff: Callable[[Actor], int]
    anonymous: int | str = LOGIN
    non_staff: int = 403
    args: Callable[[Any], list] = lambda w: []
    # Pages that list or offer things: (does the page show the own agency's object?, who should see it).
    shows: tuple[Callable[[Any, Any], bool], Callable[[Actor], bool]] | None = None
    # POST: the action the request takes, which must happen exactly when the rule tables allow it.
    probe: str = ""

    def status(self, actor: Actor) -> int | str:
        if actor.kind == "anonymous":
            return self.anonymous
        if actor.kind == "non_staff":
            return self.non_staff
        return self.staff(actor)


def everyone(status: int) -> Rule:
    """The same status for everyone, signed in or not."""
    return Rule(lambda a: status, anonymous=status, non_staff=status)


def object_page(gate: Callable[[Actor], bool], args: Callable[[Any], list]) -> Rule:
    """An object page: those past `gate` see it; other staff get 404, never a hint that it exists."""
    return Rule(lambda a: 200 if gate(a) else 404, args=args)


def post_only(args: Callable[[Any], list] = lambda w: []) -> Rule:
    """GET on a POST-only URL: 405 for everyone, before any other check."""
    return Rule(lambda a: 405, anonymous=405, non_staff=405, args=args)


def own_dashboard(response, w) -> bool:
    """Whether the dashboard names a non-public document of the own agency (each has 甲局内部文件 in its title
    and is overdue on the proactive-disclosure clock of everyone who holds a role there)."""
    return "甲局内部文件" in response.content.decode()


def own_listed_document(response, w) -> bool:
    """Whether the documents list shows any document of the own agency."""
    return any(d.agency_id == w.own.pk for d in response.context["page_obj"])


def own_draftable(response, w) -> bool:
    """Whether the drafting form offers the own agency."""
    return response.context["form"].fields["agency"].queryset.filter(pk=w.own.pk).exists()


def own_listed_case(response, w) -> bool:
    """Whether the case list shows any case of the own agency."""
    return any(row.application.agency_id == w.own.pk for row in response.context["rows"])


def own_registrable(response, w) -> bool:
    """Whether the registration form offers the own agency."""
    return w.own.code in dict(response.context["form"].fields["agency"].choices)


def own_reported(response, w) -> bool:
    """Whether the report counts the own agency's cases."""
    return any(a.pk == w.own.pk for a in response.context["agencies"])


def _doc(w) -> list:
    """The URL args of the published document."""
    return [w.pk("doc:live")]


def _case(w) -> list:
    """The URL args of the decided case (it has its reply letter)."""
    return [w.pk("case:decided")]


def general_office(actor: Actor) -> bool:
    """The general office: an administrator or head of the disclosure office at the root over its subordinates."""
    return actor.kind == "superuser" or any(role in {AD, HD} and scope == "root+sub" for role, scope in actor.grants)


# Transitions whose role alone does not decide: the role must be held where the rule says (defined below).
TRANSITION_GATES: dict[str, Callable[[Actor], bool]] = {}


def _assessment_page(done: int = 200, args: Callable[[Any], list] = lambda w: []) -> Rule:
    """An assessment page: the general office gets it; all other staff 403, whatever they hold below the root."""
    return Rule(lambda a: done if general_office(a) else 403, args=args)


TRANSITION_GATES.update({"assessment.workplan:confirm_task": general_office,
                         "assessment.workplan:return_task": general_office})


def _workplan_page(done: int = 200, args: Callable[[Any], list] = lambda w: [w.pk("plan")]) -> Rule:
    """A work plan page of tasks in the own agency: the general office and the own agency's disclosure office
    get it; another disclosure office 404; other staff 403."""
    return Rule(lambda a: done if general_office(a) or handles(a) else 404 if holds_anywhere(a, HANDLERS)
                else 403, args=args)


def _workplan_office(done: int = 200, args: Callable[[Any], list] = lambda w: [w.pk("plan")]) -> Rule:
    """A work plan form of the general office: everyone else 403."""
    return Rule(lambda a: done if general_office(a) else 403, args=args)
def _participation_page(done: int = 200, args: Callable[[Any], list] = lambda w: [w.pk("consultation:draft")]) -> Rule:
    """A consultation page of the own agency: its disclosure office gets it; another office 404; other staff 403."""
    return Rule(lambda a: done if handles(a) else 404 if holds_anywhere(a, HANDLERS) else 403, args=args)


def _catalog_page(done: int = 200, args: Callable[[Any], list] = lambda w: [w.own.code]) -> Rule:
    """A catalogue page of the own agency: its disclosure office gets it; another office 404; other staff 403."""
    return Rule(lambda a: done if handles(a) else 404 if holds_anywhere(a, HANDLERS) else 403, args=args)


# Every staff URL (by name) and method: who gets what. Staff without a role in the object's agency get 404 on
# object pages; on lists they get the page without the object, except the disclosure pages, which refuse (403)
# staff who handle no agency's cases at all.
URL_RULES: dict[tuple[str, str], Rule] = {
    ("staff-login", "GET"): Rule(lambda a: 302, anonymous=200, non_staff=302),  # signed in: on to the dashboard
    # The second login step: without a pending password check everyone is sent back to the login page.
    ("staff-login-code", "GET"): everyone(302),
    # Two-factor enrolment: every staff member, for their own account only.
    ("staff-two-factor", "GET"): Rule(lambda a: 200),
    ("staff-logout", "GET"): post_only(),
    ("staff-logout", "POST"): everyone(302),
    # The document panel is for those who work on documents somewhere; it covers every agency they hold a role in.
    ("staff-dashboard", "GET"): Rule(lambda a: 200,
                                     shows=(own_dashboard, lambda a: reads(a) and holds_anywhere(a, DOCUMENT_ROLES))),
    ("staff-search-report", "GET"): Rule(lambda a: 200),
    # The Q&A's unanswered questions and answer ratings (masked like the search log): every staff member.
    ("staff-qa-unanswered", "GET"): Rule(lambda a: 200),
    # Curated pairs: drafters write them and approvers review them in their agency (reach as for documents).
    ("staff-qa-pairs", "GET"): Rule(lambda a: 200 if holds_anywhere(a, {D, AP}) else 403),
    # The work list's 据此新增问答 with an agency chosen (?agency=code): without one, no agency is the user's (404);
    # tests/qa/test_finding_help.py follows a drafter to their agency's form.
    ("staff-qa-pair-new", "GET"): Rule(lambda a: 404 if holds_anywhere(a, {D, AP}) else 403),
    ("staff-qa-pair-edit", "GET"): Rule(lambda a: 200 if may(a, {D}) else 404 if holds_anywhere(a, {D, AP}) else 403,
                                        args=lambda w: [w.own.code, w.pk("pair:draft")]),
    ("staff-qa-pair-edit", "POST"): Rule(lambda a: 302 if may(a, {D}) else 404 if holds_anywhere(a, {D, AP})
                                         else 403, probe="qa.pair:revise"),
    # The pair form's source picker (JSON): the form's rights; without ?q= or ?source= a drafter is told what to
    # send (400), and a signed-out one is answered in JSON (401), not sent to the login page.
    ("staff-qa-pair-sources", "GET"): Rule(lambda a: 400 if may(a, {D}) else 404 if holds_anywhere(a, {D, AP}) else 403,
                                           anonymous=401, args=lambda w: [w.own.code]),
    ("staff-qa-pair-articles", "GET"): Rule(lambda a: 400 if may(a, {D}) else 404 if holds_anywhere(a, {D, AP})
                                            else 403, anonymous=401, args=lambda w: [w.own.code]),
    # A pair read-only with its history: whoever writes or reviews the agency's pairs (the approver edits none).
    ("staff-qa-pair-view", "GET"): Rule(lambda a: 200 if may(a, {D, AP}) else 404 if holds_anywhere(a, {D, AP})
                                        else 403, args=lambda w: [w.pk("pair:draft")]),
    ("staff-qa-pair-action", "GET"): post_only(lambda w: [w.pk("pair:draft")]),
    ("staff-qa-pair-action", "POST"): Rule(lambda a: 302 if may(a, {D, AP}) else 404 if holds_anywhere(a, {D, AP})
                                           else 403, probe="qa.pair:publish"),
    ("staff-qa-pairs-export", "GET"): Rule(lambda a: 200 if may(a, {D, AP}) else 404 if holds_anywhere(a, {D, AP})
                                           else 403, args=lambda w: [w.own.code]),
    ("staff-qa-pairs-import", "GET"): post_only(lambda w: [w.own.code]),
    ("staff-qa-pairs-import", "POST"): Rule(lambda a: 302 if may(a, {D}) else 404 if holds_anywhere(a, {D, AP})
                                            else 403, args=lambda w: [w.own.code]),
    # Hot-search settings: every staff member sees them; only the site's administrators (the root agency's
    # administrator role, which no actor here holds, or a superuser) change them.
    ("staff-search-hot", "GET"): Rule(lambda a: 200),
    # Partner API keys: superusers only.
    ("staff-api-keys", "GET"): Rule(lambda a: 200 if a.kind == "superuser" else 403),
    ("staff-api-keys", "POST"): Rule(lambda a: 200 if a.kind == "superuser" else 403),
    ("staff-api-key-action", "GET"): post_only(lambda w: [w.pk("api_client")]),
    ("staff-api-key-action", "POST"): Rule(lambda a: 302 if a.kind == "superuser" else 403,
                                           args=lambda w: [w.pk("api_client")]),
    ("staff-search-hot", "POST"): Rule(lambda a: 302 if a.kind == "superuser" else 403),
    ("staff-documents", "GET"): Rule(lambda a: 200, shows=(own_listed_document, reads)),
    # Someone who drafts nowhere is sent back to the dashboard; a drafter elsewhere may not pick this agency.
    ("staff-document-new", "GET"): Rule(lambda a: 200 if holds_anywhere(a, {D}) else 302,
                                        shows=(own_draftable, lambda a: may(a, {D}))),
    ("staff-document-new", "POST"): Rule(
        lambda a: 302 if may(a, {D}) else 400 if holds_anywhere(a, {D}) else 302,
        probe="publishing.review:create_document"),
    ("staff-document", "GET"): object_page(reads, _doc),
    ("staff-document-edit", "GET"): Rule(lambda a: 200 if may(a, {D}) else 302 if reads(a) else 404, args=_doc),
    ("staff-document-edit", "POST"): Rule(lambda a: 302 if reads(a) else 404,
                                          probe="publishing.review:save_revision"),
    ("staff-document-preview", "GET"): object_page(reads, _doc),
    ("staff-document-action", "GET"): post_only(_doc),
    ("staff-document-action", "POST"): Rule(lambda a: 302 if reads(a) else 404, probe="publishing.review:withdraw"),
    ("staff-document-validity", "GET"): post_only(_doc),
    ("staff-document-validity", "POST"): Rule(lambda a: 302 if reads(a) else 404,
                                              probe="publishing.validity:set_validity"),
    ("staff-relation-action", "GET"): post_only(lambda w: [w.pk("relation:pending")]),
    ("staff-relation-action", "POST"): Rule(lambda a: 302 if reads(a) else 404,
                                            probe="publishing.relation:confirm_relation"),
    ("staff-attachment", "GET"): object_page(reads, lambda w: [w.attachment.pk]),
    ("staff-applications", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                        shows=(own_listed_case, handles)),
    ("staff-application-new", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                           shows=(own_registrable, handles)),
    ("staff-application-new", "POST"): Rule(
        lambda a: 302 if handles(a) else 400 if holds_anywhere(a, HANDLERS) else 403,
        probe="disclosure.case:register_application"),
    ("staff-applications-report", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                               shows=(own_reported, handles)),
    # The annual report: the disclosure office of the agency (or above it, with covers_subordinates) and superusers.
    ("staff-annual-report", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                         shows=(own_reported, handles)),
    ("staff-annual-report-cell", "GET"): Rule(lambda a: 200 if handles(a) else 404 if holds_anywhere(a, HANDLERS)
                                              else 403, args=lambda w: [w.own.code]),
    ("staff-annual-report-download", "GET"): Rule(lambda a: 200 if handles(a) else 404
                                                  if holds_anywhere(a, HANDLERS) else 403,
                                                  args=lambda w: [w.own.code, "xlsx"]),
    ("staff-annual-report-narrative", "GET"): post_only(lambda w: [w.own.code]),
    ("staff-annual-report-action", "GET"): post_only(lambda w: [w.own.code]),
    ("staff-annual-report-action", "POST"): Rule(lambda a: 302 if handles(a) else 404
                                                 if holds_anywhere(a, HANDLERS) else 403, probe="reports.annual:review"),
    ("staff-annual-report-revision", "GET"): Rule(lambda a: 200 if handles(a) else 404
                                                  if holds_anywhere(a, HANDLERS) else 403,
                                                  args=lambda w: [w.own.code, w.pk("report:drafted")]),
    ("staff-annual-report-revision-download", "GET"): Rule(lambda a: 200 if handles(a) else 404
                                                           if holds_anywhere(a, HANDLERS) else 403,
                                                           args=lambda w: [w.own.code, w.pk("report:drafted"), "xlsx"]),
    ("staff-annual-report-narrative", "POST"): Rule(lambda a: 302 if handles(a) else 404
                                                    if holds_anywhere(a, HANDLERS) else 403,
                                                    args=lambda w: [w.own.code]),
    # Table 2's entered figures (form and CSV/XLSX upload): as the narrative, the disclosure office of the agency.
    ("staff-annual-report-figures", "GET"): post_only(lambda w: [w.own.code]),
    ("staff-annual-report-figures", "POST"): Rule(lambda a: 302 if handles(a) else 404
                                                  if holds_anywhere(a, HANDLERS) else 403,
                                                  args=lambda w: [w.own.code]),
    ("staff-annual-report-figures-import", "GET"): post_only(lambda w: [w.own.code]),
    ("staff-annual-report-figures-import", "POST"): Rule(lambda a: 302 if handles(a) else 404
                                                         if holds_anywhere(a, HANDLERS) else 403,
                                                         args=lambda w: [w.own.code]),
    # The catalogue (guide, catalogue, negative list, ledger): the disclosure office of the agency, as the annual report.
    ("staff-catalog", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                   shows=(own_reported, handles)),
    ("staff-catalog-guide", "GET"): _catalog_page(),
    ("staff-catalog-guide", "POST"): _catalog_page(302),
    ("staff-catalog-entry", "GET"): _catalog_page(args=lambda w: [w.own.code, "item", 0]),
    ("staff-catalog-entry", "POST"): _catalog_page(302, args=lambda w: [w.own.code, "item", 0]),
    ("staff-catalog-seed", "GET"): post_only(lambda w: [w.own.code]),
    ("staff-catalog-seed", "POST"): _catalog_page(302),
    ("staff-catalog-ledger", "GET"): _catalog_page(),
    ("staff-catalog-ledger-generate", "GET"): post_only(lambda w: [w.own.code]),
    ("staff-catalog-ledger-generate", "POST"): _catalog_page(302),
    ("staff-catalog-export", "GET"): _catalog_page(args=lambda w: [w.own.code, "catalog"]),
    ("staff-catalog-import", "GET"): post_only(lambda w: [w.own.code, "catalog"]),
    ("staff-catalog-import", "POST"): _catalog_page(302, args=lambda w: [w.own.code, "catalog"]),
    ("staff-catalog-action", "GET"): post_only(lambda w: ["negative", w.pk("catalog:draft")]),
    # The assessment (考评): the general office only, over every agency below the root.
    ("staff-assessment", "GET"): _assessment_page(),
    ("staff-assessment-export", "GET"): _assessment_page(),
    ("staff-assessment-columns", "GET"): _assessment_page(),
    ("staff-assessment-evidence", "GET"): _assessment_page(args=lambda w: [w.own.code, "on_time_rate"]),
    ("staff-assessment-scheme", "GET"): _assessment_page(args=lambda w: [0]),
    ("staff-assessment-scheme", "POST"): _assessment_page(302, args=lambda w: [0]),
    # The work plan (工作要点): the general office plans; each agency's disclosure office sees and reports its own.
    ("staff-workplans", "GET"): Rule(lambda a: 200 if general_office(a) or holds_anywhere(a, HANDLERS) else 403),
    ("staff-workplan-new", "GET"): _workplan_office(args=lambda w: []),
    ("staff-workplan-new", "POST"): _workplan_office(302, args=lambda w: []),
    ("staff-workplan", "GET"): _workplan_page(),
    ("staff-workplan-export", "GET"): _workplan_page(),
    ("staff-workplan-task-new", "GET"): _workplan_office(302),
    ("staff-workplan-task-new", "POST"): _workplan_office(302),
    ("staff-workplan-import", "GET"): post_only(lambda w: [w.pk("plan")]),
    ("staff-workplan-import", "POST"): _workplan_office(302),
    ("staff-workplan-task", "GET"): _workplan_page(args=lambda w: [w.pk("task:reported")]),
    ("staff-workplan-evidence", "GET"): _workplan_page(args=lambda w: [w.pk("task:reported")]),
    ("staff-workplan-task-action", "GET"): post_only(lambda w: [w.pk("task:reported")]),
    # A move the user may not take is refused on the task page (302 back to it) by anyone who sees the task.
    ("staff-workplan-task-action", "POST"): Rule(
        lambda a: 302 if general_office(a) or handles(a) else 404 if holds_anywhere(a, HANDLERS) else 403,
        probe="assessment.workplan:report_task"),
    ("staff-catalog-action", "POST"): Rule(lambda a: 302 if handles(a) else 404 if holds_anywhere(a, HANDLERS)
                                           else 403, probe="catalog.review:publish"),
    # Consultations (意见征集): the disclosure office of the agency, as the catalogue.
    ("staff-consultations", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                         shows=(own_reported, handles)),
    ("staff-consultation-new", "GET"): _catalog_page(),
    ("staff-consultation-new", "POST"): _catalog_page(302),
    ("staff-consultation", "GET"): _participation_page(),
    ("staff-consultation-edit", "GET"): _participation_page(),
    ("staff-consultation-edit", "POST"): _participation_page(302),
    ("staff-consultation-action", "GET"): post_only(lambda w: [w.pk("consultation:draft")]),
    ("staff-consultation-action", "POST"): Rule(lambda a: 302 if handles(a) else 404 if holds_anywhere(a, HANDLERS)
                                                else 403, probe="participation.consultation:open"),
    ("staff-consultation-feedback", "GET"): _participation_page(args=lambda w: [w.pk("consultation:ended")]),
    ("staff-consultation-feedback", "POST"): _participation_page(302, args=lambda w: [w.pk("consultation:ended")]),
    ("staff-consultation-comment", "GET"): post_only(lambda w: [w.pk("consultation:open")]),
    ("staff-consultation-comment", "POST"): _participation_page(302, args=lambda w: [w.pk("consultation:open")]),
    ("staff-consultation-extend", "GET"): post_only(lambda w: [w.pk("consultation:open")]),
    ("staff-consultation-extend", "POST"): _participation_page(302, args=lambda w: [w.pk("consultation:open")]),
    ("staff-consultation-moderate", "GET"): post_only(lambda w: [w.pk("comment:visible")]),
    ("staff-consultation-moderate", "POST"): _participation_page(302, args=lambda w: [w.pk("comment:visible")]),
    ("staff-consultation-export", "GET"): _participation_page(args=lambda w: [w.pk("consultation:open"), "csv"]),
    # Meeting records (列席会议) and policy evaluations (政策评估): the disclosure office of the agency, as above.
    ("staff-meetings", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                    shows=(own_reported, handles)),
    ("staff-meeting-new", "GET"): _catalog_page(),
    ("staff-meeting-new", "POST"): _catalog_page(302),
    ("staff-meeting", "GET"): _participation_page(args=lambda w: [w.pk("meeting:draft")]),
    ("staff-meeting-edit", "GET"): _participation_page(args=lambda w: [w.pk("meeting:draft")]),
    ("staff-meeting-edit", "POST"): _participation_page(302, args=lambda w: [w.pk("meeting:draft")]),
    ("staff-meeting-action", "GET"): post_only(lambda w: [w.pk("meeting:draft")]),
    ("staff-meeting-action", "POST"): Rule(lambda a: 302 if handles(a) else 404 if holds_anywhere(a, HANDLERS)
                                           else 403, probe="participation.meeting:publish"),
    ("staff-meeting-attendee", "GET"): post_only(lambda w: [w.pk("meeting:draft")]),
    ("staff-meeting-attendee", "POST"): _participation_page(302, args=lambda w: [w.pk("meeting:draft")]),
    ("staff-attendee-edit", "GET"): _participation_page(args=lambda w: [w.pk("attendee")]),
    ("staff-attendee-edit", "POST"): _participation_page(302, args=lambda w: [w.pk("attendee")]),
    ("staff-attendee-remove", "GET"): post_only(lambda w: [w.pk("attendee")]),
    ("staff-attendee-remove", "POST"): _participation_page(302, args=lambda w: [w.pk("attendee")]),
    ("staff-evaluations", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                       shows=(own_reported, handles)),
    ("staff-evaluation-minimum", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                              shows=(own_reported, handles)),
    ("staff-evaluation-new", "GET"): _catalog_page(),
    ("staff-evaluation-new", "POST"): _catalog_page(302),
    ("staff-evaluation", "GET"): _participation_page(args=lambda w: [w.pk("evaluation:draft")]),
    ("staff-evaluation-edit", "GET"): _participation_page(args=lambda w: [w.pk("evaluation:draft")]),
    ("staff-evaluation-edit", "POST"): _participation_page(302, args=lambda w: [w.pk("evaluation:draft")]),
    ("staff-evaluation-action", "GET"): post_only(lambda w: [w.pk("evaluation:draft")]),
    ("staff-evaluation-action", "POST"): Rule(lambda a: 302 if handles(a) else 404 if holds_anywhere(a, HANDLERS)
                                              else 403, probe="participation.evaluation:publish"),
    # The mailbox: the disclosure office of the agency handling the message, as the consultations.
    ("staff-messages", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                    shows=(own_reported, handles)),
    ("staff-message", "GET"): _participation_page(args=lambda w: [w.pk("message:received")]),
    # Entering a letter, call or visit for the own agency (the agency's code in the URL), and downloading a list:
    # the same office; the download of another office's list is refused as its page is.
    ("staff-message-new", "GET"): _catalog_page(),
    ("staff-message-new", "POST"): Rule(lambda a: 200 if handles(a) else 404 if holds_anywhere(a, HANDLERS)
                                        else 403, args=lambda w: [w.own.code],
                                        probe="participation.message:register_message"),
    ("staff-messages-export", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                           args=lambda w: ["csv"]),
    ("staff-message-attachment", "GET"): _participation_page(args=lambda w: [w.pk("message:error_report")]),
    ("staff-message-action", "GET"): post_only(lambda w: [w.pk("message:received")]),
    ("staff-message-action", "POST"): Rule(lambda a: 302 if handles(a) else 404 if holds_anywhere(a, HANDLERS)
                                           else 403, probe="participation.message:reply_message"),
    # The timeliness figures beside the annual report: the same reach.
    ("staff-timeliness", "GET"): Rule(lambda a: 200 if holds_anywhere(a, HANDLERS) else 403,
                                      shows=(own_reported, handles)),
    ("staff-timeliness-rows", "GET"): Rule(lambda a: 200 if handles(a) else 404 if holds_anywhere(a, HANDLERS)
                                           else 403, args=lambda w: [w.own.code]),
    ("staff-timeliness-csv", "GET"): Rule(lambda a: 200 if handles(a) else 404 if holds_anywhere(a, HANDLERS)
                                          else 403, args=lambda w: [w.own.code]),
    ("staff-application", "GET"): object_page(handles, _case),
    ("staff-application-applicant", "GET"): post_only(_case),
    # Revealing the applicant's details is a read, audited; it is not a workflow action.
    ("staff-application-applicant", "POST"): Rule(lambda a: 200 if handles(a) else 404, args=_case),
    ("staff-application-action", "GET"): post_only(lambda w: [w.pk("case:decided"), "note"]),
    ("staff-application-action", "POST"): Rule(lambda a: 302 if handles(a) else 404, probe="disclosure.case:note"),
    ("staff-application-letter", "GET"): object_page(handles, lambda w: [w.pk("case:decided"), "pdf"]),
    ("staff-application-released", "GET"): object_page(handles, lambda w: [w.pk("case:enclosed"),
                                                                             w.pk("item:enclosed")]),
    # Evidence of a correction request carries personal data: the handling staff only.
    ("staff-application-evidence", "GET"): object_page(handles, lambda w: [w.pk("case:rc_in_progress"),
                                                                             w.pk("item:evidence")]),
}

# ---------------------------------------------------------------------------------------------------------------
# The world: objects in every state a transition starts from, built through the services

# For each transition: an object in a source state where the guard (if any) lets it through.
SUBJECTS: dict[str, str] = {
    "publishing.review:create_document": "doc:new",
    "publishing.review:create_from_application": "doc:new",
    "publishing.review:save_revision": "doc:live",
    "publishing.review:submit": "doc:draft",
    "publishing.review:pass_secrecy_review": "doc:secrecy_review",
    "publishing.review:reject_secrecy_review": "doc:secrecy_review",
    "publishing.review:approve": "doc:approval",
    "publishing.review:reject_approval": "doc:approval",
    "publishing.review:sign_off": "doc:signoff",
    "publishing.review:reject_signoff": "doc:signoff",
    "publishing.review:publish": "doc:ready",
    "publishing.review:schedule": "doc:ready",
    "publishing.review:cancel_schedule": "doc:scheduled",
    "publishing.review:reject_publication": "doc:scheduled",
    "publishing.review:withdraw": "doc:live",
    "publishing.validity:set_validity": "doc:live",
    "publishing.relation:confirm_relation": "relation:pending",
    "publishing.relation:decline_relation": "relation:pending",
    "disclosure.case:register_application": "case:new",
    "disclosure.case:accept": "case:received",
    "disclosure.case:receive_correction": "case:correction",
    "disclosure.case:record_payment": "case:fee",
    "disclosure.case:end_consultation": "case:consulting",
    "disclosure.case:approve_extension": "case:extension_requested",
    "disclosure.case:refuse_extension": "case:extension_requested",
    "disclosure.case:decide": "case:in_progress",
    "disclosure.case:generate_letter": "case:imported_granted",
    "disclosure.case:deliver": "case:decided",
    "disclosure.case:close": "case:delivered",
    "disclosure.case:request_correction": "case:received",
    "disclosure.case:convert_to_proactive": "case:decided",
    "disclosure.case:update_remedy": "case:delivered",
    "disclosure.case:start_consultation": "case:in_progress",
    "disclosure.case:record_review": "case:decided",
    "disclosure.case:record_litigation": "case:delivered",
    "disclosure.case:request_extension": "case:in_progress",
    "disclosure.case:issue_fee_notice": "case:in_progress",
    "disclosure.case:assign": "case:received",
    "disclosure.case:note": "case:in_progress",
    "disclosure.case:record_fee_receipt": "case:fee",
    "disclosure.case:edit_released": "case:decided",
    "disclosure.case:email_reply": "case:decided",
    "disclosure.case:publish_reply": "case:decided",
    "disclosure.case:post_reply": "case:decided",
    "disclosure.case:split_request": "case:in_progress",
    "disclosure.case:ask_bulk_reason": "case:in_progress",
    "disclosure.case:defer_reply": "case:bulk_asked",
    "disclosure.case:decide_record_correction": "case:rc_in_progress",
    "disclosure.case:record_assistance": "case:in_progress",
    "catalog.review:publish": "catalog:draft",
    "catalog.review:retire": "catalog:public",
    "participation.consultation:open": "consultation:draft",
    "participation.consultation:publish_feedback": "consultation:ended",
    "participation.meeting:publish": "meeting:draft",
    "participation.meeting:withdraw": "meeting:published",
    "participation.evaluation:publish": "evaluation:draft",
    "participation.evaluation:withdraw": "evaluation:published",
    "participation.message:register_message": "message:new",
    "participation.message:transfer_message": "message:received",
    "participation.message:reply_message": "message:received",
    "participation.message:mark_duplicate": "message:received",
    "participation.message:mark_invalid": "message:received",
    "participation.message:publish_reply": "message:replied",
    "participation.message:withdraw_reply": "message:published",
    "participation.message:record_fix": "message:error_report",
    "qa.pair:submit": "pair:draft",
    "qa.pair:publish": "pair:review",
    "qa.pair:return": "pair:review",
    "qa.pair:revise": "pair:flagged",
    "reports.annual:draft": "report:new",
    "reports.annual:review": "report:drafted",
    "reports.annual:reject_review": "report:drafted",
    "reports.annual:release": "report:reviewed",
    "reports.annual:reject_release": "report:reviewed",
    "assessment.workplan:start_task": "task:pending",
    "assessment.workplan:report_task": "task:in_progress",
    "assessment.workplan:confirm_task": "task:reported",
    "assessment.workplan:return_task": "task:reported",
}

# For each guarded transition: an object in a source state where the guard refuses.
GUARD_REFUSES: dict[str, str] = {
    "publishing.review:withdraw": "doc:draft",
    "publishing.relation:confirm_relation": "relation:stale",
    "publishing.relation:decline_relation": "relation:stale",
    "disclosure.case:record_payment": "case:in_progress",
    "disclosure.case:end_consultation": "case:in_progress",
    "disclosure.case:approve_extension": "case:extended",
    "disclosure.case:refuse_extension": "case:in_progress",
    "disclosure.case:generate_letter": "case:decided",
    "disclosure.case:request_correction": "case:corrected",
    "disclosure.case:convert_to_proactive": "case:imported_withheld",
    "disclosure.case:update_remedy": "case:decided",
    "disclosure.case:request_extension": "case:extension_requested",
    "disclosure.case:issue_fee_notice": "case:fee",
    "disclosure.case:record_fee_receipt": "case:in_progress",
    "disclosure.case:edit_released": "case:decided_withheld",
    "disclosure.case:email_reply": "case:decided_no_email",
    "disclosure.case:publish_reply": "case:published",
    "disclosure.case:split_request": "case:fee",
    "disclosure.case:ask_bulk_reason": "case:bulk_asked",
    "disclosure.case:defer_reply": "case:in_progress",
    # A disclosure decision on a correction request, and a correction answer on a disclosure request.
    "disclosure.case:decide": "case:rc_in_progress",
    "disclosure.case:decide_record_correction": "case:in_progress",
    # A guide without its application method and office hours cannot be published.
    "catalog.review:publish": "catalog:empty",
    # A period shorter than the minimum without a reason; feedback before the end.
    "participation.consultation:open": "consultation:short",
    "participation.consultation:publish_feedback": "consultation:open",
    # A meeting record without its representatives; an evaluation that says nothing of what it found.
    "participation.meeting:publish": "meeting:empty",
    "participation.evaluation:publish": "evaluation:empty",
    # A reply whose writer did not agree to publication; a fix recorded on a message that is no error report.
    "participation.message:publish_reply": "message:replied_private",
    "participation.message:withdraw_reply": "message:replied",
    "participation.message:record_fix": "message:received",
    # A revision of the same report is already waiting for review.
    "reports.annual:draft": "report:new_busy",
}
# Guards whose refusal cannot be set up through the services, and why.
NO_GUARD_REFUSAL = {
    "qa.pair:submit": "a pair always has its question and answer (the services refuse one without)",
    "qa.pair:publish": "a pair always has its question and answer (the services refuse one without)",
    "reports.annual:review": "table 3 adds up for every case the services write (a violation needs bad imported data; "
                             "tests/reports/test_release.py plants one)",
    "disclosure.case:deliver": "a decided case always has its reply letter (the decision renders it)",
    "disclosure.case:post_reply": "a decided case always has its reply letter (the decision renders it)",
}


class World(SimpleNamespace):
    """The agencies, the users behind the actors and the objects, fetched fresh for each use."""

    def user(self, actor: Actor):
        return AnonymousUser() if actor.kind == "anonymous" else self.users[actor.name]

    def pk(self, key: str) -> int:
        return self.objects[key][1]

    def fresh(self, key: str):
        if key == "doc:new":
            return Document(agency=self.own)
        if key == "case:new":
            return Application(agency=self.own)
        if key == "message:new":
            from gongkai.participation.models import Message

            return Message(agency=self.own)
        if key in ("report:new", "report:new_busy"):
            from gongkai.reports.models import AnnualReport

            return AnnualReport(agency=self.own, year=self.today.year - (3 if key == "report:new" else 1))
        model, pk = self.objects[key]
        return model._default_manager.get(pk=pk)


def _build_world() -> World:
    today = timezone.localdate()
    root = factories.make_agency("MATRIXTEST00000001", "矩阵市人民政府", kind="government")
    parent = factories.make_agency("MATRIXTEST00000002", "矩阵市东区人民政府", parent=root, kind="government")
    own = factories.make_agency("MATRIXTEST00000003", "东区财政局", parent=parent)
    other = factories.make_agency("MATRIXTEST00000004", "东区教育局", parent=parent)
    where = {"own": own, "other": other, "parent+sub": parent, "parent": parent, "root+sub": root}

    users: dict[str, Any] = {}
    for n, actor in enumerate(ACTORS):
        for role, scope in actor.grants:
            users[actor.name] = factories.make_staff(where[scope], role, username=f"matrix{n}",
                                                     covers_subordinates=scope.endswith("+sub"))
        if actor.kind == "superuser":
            users[actor.name] = factories.make_staff(root, AD, covers_subordinates=True)
        elif actor.kind == "no_role":
            users[actor.name] = factories.make_staff(own)
        elif actor.kind == "non_staff":
            users[actor.name] = get_user_model().objects.create_user("matrix-public", password=factories.PASSWORD)
    # The rule tables assume exactly one superuser: an administrator over a non-root parent is not one.
    assert [n for n, u in users.items() if u.is_superuser] == ["superuser"]

    # The people who bring the objects to their states are not actors: they have done review steps.
    team, other_team, office = factories.make_team(own), factories.make_team(other), disclosure_team(own)
    objects: dict[str, tuple[type, int]] = {}

    def keep(key: str, obj) -> None:
        objects[key] = (type(obj), obj.pk)

    # Formed long enough ago that every pending document is overdue on the proactive-disclosure clock, which
    # puts it on the dashboard of everyone holding a role in the own agency, whatever today's date.
    formed_on = today - dt.timedelta(days=90)

    def reviewed(title: str, steps: int) -> Document:
        document = publishing.create_document(team[D], own, factories.data(title=title, signed_on=formed_on,
                                                                           formed_on=formed_on))
        chain = ((D, publishing.submit_document), (SR, publishing.pass_secrecy_review),
                 (AP, publishing.approve_document), (SG, publishing.sign_off_document))
        for role, step in chain[:steps]:
            step(team[role], document)
        return document

    keep("doc:draft", reviewed("甲局内部文件（草稿）", 0))
    keep("doc:secrecy_review", reviewed("甲局内部文件（待保密审查）", 1))
    keep("doc:approval", reviewed("甲局内部文件（待审核）", 2))
    keep("doc:signoff", reviewed("甲局内部文件（待签发）", 3))
    keep("doc:ready", reviewed("甲局内部文件（待发布）", 4))
    scheduled = reviewed("甲局内部文件（定时发布）", 4)
    publishing.schedule_document(team[PB], scheduled, timezone.now() + dt.timedelta(days=30))
    keep("doc:scheduled", scheduled)
    live = publishing.create_document(team[D], own, factories.data(title="甲局文件（已发布）"),
                                      uploads=[("附件.pdf", minimal_pdf("matrix"))])
    factories.advance(team, live)
    publishing.publish_document(team[PB], live)
    keep("doc:live", live)
    attachment = Attachment.objects.get(document=live)

    # The sibling agency repeals the live document: pending until the own agency's publisher answers. A second
    # relation was declared by a revision since withdrawn, so there is nothing left to confirm.
    source = factories.make_document(other_team, other, title="乙局文件（废止决定）",
                                     relations=[(RelationKind.REPEALS, live.pk)])
    keep("relation:pending", Relation.objects.get(revision=source.live_revision))
    stale = factories.make_document(other_team, other, title="乙局文件（修改决定）",
                                    relations=[(RelationKind.AMENDS, live.pk)])
    keep("relation:stale", Relation.objects.get(revision=stale.live_revision))
    publishing.withdraw_document(other_team[PB], stale, "发布有误")

    officer, head = office["officer"], office["head"]
    received_on = today - dt.timedelta(days=3)

    def case(*steps: Callable[[Application], Any]) -> Application:
        application, _ = make_application(own, received_on=received_on)
        for step in steps:
            step(application)
        return application

    def accept(a):
        return disclosure.accept_application(officer, a)

    def ask_extension(a):
        return disclosure.request_extension(officer, a, 10, "涉及多个部门，需要协调。")

    def decide(a):
        return disclosure.decide_application(officer, a, "granted", reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。")

    def correction(a):
        return disclosure.request_correction(officer, a, "请写明所需信息的名称或文号。")

    keep("case:received", case())
    keep("case:in_progress", case(accept))
    keep("case:correction", case(correction))
    keep("case:corrected", case(correction, lambda a: disclosure.receive_correction(officer, a)))
    keep("case:consulting", case(accept, lambda a: disclosure.start_consultation(
        officer, a, PauseKind.THIRD_PARTY, party="某科技有限公司")))
    keep("case:fee", case(accept, lambda a: disclosure.issue_fee_notice(officer, a, FeeBasis.PER_PAGE, pages=120)))
    keep("case:extension_requested", case(accept, ask_extension))
    keep("case:extended", case(accept, ask_extension,
                               lambda a: disclosure.approve_extension(head, a, days=10)))
    keep("case:decided", case(accept, decide))
    keep("case:decided_withheld", case(accept, lambda a: disclosure.decide_application(
        officer, a, "withheld.internal_affairs", reason="属于机关后勤管理信息。")))
    no_email, _ = make_application(own, received_on=received_on, email="", delivery="online")
    keep("case:decided_no_email", decide(accept(no_email)))
    keep("case:published", case(accept, decide, lambda a: disclosure.publish_reply(officer, a)))
    enclosed = case(accept, lambda a: disclosure.decide_application(
        officer, a, "granted", released_files=[disclosure.ReleasedFile("资金表.pdf", minimal_pdf("资金使用情况"))]))
    keep("case:enclosed", enclosed)
    keep("case:bulk_asked", case(accept, lambda a: disclosure.ask_bulk_reason(officer, a, "本月已提出 40 件。")))
    keep("item:enclosed", enclosed.released_items.get())
    rc_case, _ = disclosure.submit_application(
        applicant(own, request_kind="record_correction", description="本局2025年发放的本人补贴登记记录"),
        received_on=received_on, correction=disclosure.RecordCorrectionData(
            inaccuracy="出生日期登记为1990年10月1日。", correct_content="出生日期应为1990年1月1日。",
            evidence=[disclosure.EvidenceFile("身份证复印件.pdf", minimal_pdf("证据"))]))
    keep("case:rc_in_progress", accept(rc_case))
    keep("item:evidence", rc_case.evidence.get())
    keep("case:delivered", case(accept, decide, lambda a: disclosure.deliver_reply(officer, a, method="电子邮件"),
                                lambda a: disclosure.record_review(officer, a, filed_on=today,
                                                                   authority="矩阵市人民政府")))
    for key, decision in (("case:imported_granted", "granted"), ("case:imported_withheld",
                                                                  "withheld.internal_affairs")):
        disclosure.import_application(disclosure.HistoricalCase(
            external_id=key, agency=own, applicant_type="natural_person", organization_kind="",
            received_on=today - dt.timedelta(days=60), closed_on=today - dt.timedelta(days=40),
            decision=decision, remedies=[]))
        keep(key, Application.objects.get(external_id=key))

    # The catalogue: a draft and a public negative-list entry, a guide lacking what it must say, and a public
    # normative document the ledger can be generated from.
    from gongkai.catalog import services as catalog

    negative = {"category": "国家秘密", "content": "甲局涉密事项", "basis": "《保守国家秘密法》"}
    keep("catalog:draft", catalog.save_negative_entry(officer, own, negative))
    keep("catalog:public", catalog.publish_entry(head, catalog.save_negative_entry(officer, own, negative)))
    keep("catalog:empty", catalog.save_guide(officer, own, {"office_name": "甲局办公室"}))
    # Never put out for comment: the draft the consultation forms may still choose (services.draft_documents).
    keep("doc:draftable", factories.make_document(team, own, title="甲局规范性文件（已发布）", doc_type="行政规范性文件",
                                                  doc_number="矩阵规〔2026〕1号"))

    # Consultations of the own agency on its public document: a draft, a draft too short to open, an open one
    # with a comment, and one ended with its feedback saved (moved into the past: the clock is what closes it).
    from gongkai.participation import services as participation
    from gongkai.participation.models import Consultation

    def consultation(days: int, open_it: bool):
        made = participation.save_consultation(officer, own, {
            "document": objects["doc:live"][1], "kind": "rule", "explanation": "甲局起草说明",
            "starts_on": today, "ends_on": today + dt.timedelta(days=days)})
        return participation.open_consultation(officer, made) if open_it else made

    keep("consultation:draft", consultation(45, False))
    keep("consultation:short", consultation(5, False))
    keep("consultation:open", consultation(45, True))
    keep("comment:visible", participation.submit_comment(objects["consultation:open"][1], participation.CommentData(
        content="甲局收到的意见")))
    ended = consultation(45, True)
    ended_at = timezone.now() - dt.timedelta(days=1)
    Consultation.objects.filter(pk=ended.pk).update(starts_at=ended_at - dt.timedelta(days=45), ends_at=ended_at)
    keep("consultation:ended", participation.save_feedback(officer, Consultation.objects.get(pk=ended.pk), {
        "received_count": 0, "adopted_count": 0, "feedback_text": "未收到意见。"}))
    # Meeting records and policy evaluations of the own agency: a draft, one the guard refuses, a public one.
    from gongkai.participation import records

    def meeting(title: str, attendee: bool = True):
        made = records.save_meeting(officer, own, {"title": title, "held_on": today, "topics": "甲局议题"})
        if attendee:
            keep("attendee", records.save_attendee(officer, made, {"name": "甲局代表", "category": "resident"}))
        return made

    keep("meeting:published", records.publish_meeting(officer, meeting("甲局会议（已公开）")))
    keep("meeting:empty", meeting("甲局会议（无代表）", attendee=False))
    keep("meeting:draft", meeting("甲局会议（草稿）"))

    def evaluation(title: str, complete: bool = True):
        data = {"policy": live.pk, "title": title, "method": "self"}
        if complete:
            data.update(completed_on=today, findings="甲局执行情况", conclusions="甲局评估结论")
        return records.save_evaluation(officer, own, data)

    keep("evaluation:published", records.publish_evaluation(officer, evaluation("甲局评估（已公开）")))
    keep("evaluation:empty", evaluation("甲局评估（未填写）", complete=False))
    keep("evaluation:draft", evaluation("甲局评估（草稿）"))
    # Messages to the own agency: one open, one answered with consent, one answered without, an error report
    # with its screenshot.
    from gongkai.participation import messages as mailbox

    def message(title: str, consent: bool = True, **values):
        return mailbox.submit_message(mailbox.MessageData(**{
            "category": "mailbox", "agency": own.code, "title": title, "content": "甲局留言", "name": "留言人",
            "phone": "13800000000", "publish_reply": consent, **values}))[0]

    keep("message:received", message("甲局收到的留言"))
    keep("message:replied", mailbox.reply_message(officer, message("甲局答复的留言"), "甲局答复"))
    keep("message:published", mailbox.publish_reply(officer, mailbox.reply_message(
        officer, message("甲局公开答复的留言"), "甲局答复")))
    keep("message:replied_private", mailbox.reply_message(officer, message("不同意公开的留言", False), "甲局答复"))
    keep("message:error_report", message("甲局找错", category="error_report", page_url="/xxgk/",
                                         attachment_name="截图.png", attachment=b"\x89PNG\r\n\x1a\n" + b"\0" * 16))
    # Curated Q&A pairs of the own agency: a draft, one waiting for review and a public one.
    from gongkai.qa import pairs

    pair = {"question": "甲局问答：补贴怎么申请", "answer": "向甲局提出申请。", "source": live.pk}
    # Each its own question: an agency holds one pair per question.
    keep("pair:draft", pairs.save_pair(team[D], own, pair))
    keep("pair:review", pairs.move_pair(team[D], pairs.save_pair(team[D], own, {**pair, "question": "甲局问答：补贴何时发"}),
                                        "submit"))
    keep("pair:published", pairs.move_pair(team[AP], pairs.move_pair(
        team[D], pairs.save_pair(team[D], own, {**pair, "question": "甲局问答：补贴发给谁"}), "submit"), "publish"))
    # Flagged (its source changed, say): edited in place as a new version (a public one is edited in a revision).
    from gongkai.core.workflow import SYSTEM
    from gongkai.qa.states import REVIEW as PAIR_REVIEW

    flagged = pairs.move_pair(team[AP], pairs.move_pair(
        team[D], pairs.save_pair(team[D], own, {**pair, "question": "甲局问答：补贴标准"}), "submit"), "publish")
    PAIR_REVIEW.apply(SYSTEM, flagged, "flag", comment="依据文件已修订")
    keep("pair:flagged", flagged)

    # The annual report: last year's drafted by the officer, the year before's drafted and reviewed.
    from gongkai.reports import services as reports

    keep("report:drafted", reports.draft_report(officer, own, today.year - 1))
    keep("report:reviewed", reports.review_report(head, reports.draft_report(officer, own, today.year - 2), confirm_gaps=True))

    # The work plan: the general office's plan with three tasks of the own agency, one in each state a move
    # starts from; the report (with a file) is the own disclosure office's, so no actor has done a step on it.
    from gongkai.assessment import workplan

    planner = users[f"{HD}@root+sub"]
    plan = workplan.create_plan(planner, year=today.year, title="矩阵市政务公开工作要点", agency=root)
    keep("plan", plan)

    def task(name: str):
        return workplan.add_task(planner, plan, workplan.TaskData(
            "一", f"甲局工作要点任务（{name}）", own.code, f"{today + dt.timedelta(days=30):%Y-%m-%d}"))

    keep("task:pending", task("未开始"))
    keep("task:in_progress", workplan.start_task(officer, task("进行中")))
    keep("task:reported", workplan.report_task(officer, task("已报完成"), text="已完成。",
                                               upload=workplan.EvidenceFile("佐证.pdf", minimal_pdf("佐证"))))

    from gongkai.core import apiclients

    keep("api_client", apiclients.issue_key(None, "矩阵对接系统", limit_per_minute=10)[0])

    # One session per signed-in actor, made once: signing in afresh for each of thousands of requests would
    # cost more than the requests.
    sessions = {}
    for name, user in users.items():
        browser = Client()
        browser.force_login(user)
        sessions[name] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return World(root=root, parent=parent, own=own, other=other, users=users, sessions=sessions, objects=objects,
                 attachment=attachment, office=office, today=today)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once; everything it wrote is rolled back when the module's tests are done.

    A mail server is configured (replies can be e-mailed); mail is only queued here, never sent."""
    with override_settings(GONGKAI_SMTP_HOST="127.0.0.1"), django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def _browser():
    """The module's one test client."""
    return Client()


@pytest.fixture
def client(_browser):
    """One test client for the module, signed out before each test: a new client loads the middleware again,
    and WhiteNoise then lists every static file, which would cost more than the request itself."""
    _browser.cookies.clear()
    return _browser


def login(client, world: World, actor: Actor, user=None):
    """The test client signed in as `actor` (or as `user`, made by the test)."""
    if user is not None:
        client.force_login(user)
    elif actor.kind != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor.name]
    return client


# ---------------------------------------------------------------------------------------------------------------
# Workflows and URLs, as the code declares them

def workflows() -> list[Workflow]:
    """Every workflow the apps declare in their states modules (the engine's convention)."""
    found: dict[str, Workflow] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("gongkai."):
            continue
        try:
            module = import_module(f"{config.name}.states")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.states":
                continue
            raise
        found.update({v.name: v for v in vars(module).values() if isinstance(v, Workflow)})
    return [found[name] for name in sorted(found)]


WORKFLOWS = {w.name: w for w in workflows()}
# Every transition people can take (roles non-empty), as "workflow:transition".
MANUAL = [f"{w.name}:{t.name}" for w in WORKFLOWS.values() for t in w.transitions.values() if t.roles]


def transition_of(key: str):
    """The workflow and the transition named "workflow:transition"."""
    workflow_name, name = key.split(":")
    workflow = WORKFLOWS[workflow_name]
    return workflow, workflow.transition(name)


def staff_routes() -> dict[str | None, str]:
    """Every URL pattern whose route starts with staff/, walked from the URLconf: name → route."""

    def walk(patterns, prefix: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield pattern.name, route

    return {name: route for name, route in walk(get_resolver().url_patterns, "") if route.startswith("staff/")}


def test_every_staff_url_has_rules():
    """A staff URL without a row fails here, so a new app must say who may use its pages."""
    routes = staff_routes()
    assert None not in routes, f"unnamed staff URL: {routes.get(None)}"
    covered = {name for name, _ in URL_RULES}
    assert sorted(set(routes) - covered) == [], "staff URLs missing from URL_RULES"
    assert sorted(covered - set(routes)) == [], "URL_RULES rows for URLs that no longer exist"


def test_every_manual_transition_has_rules():
    """A transition people can take without a row (roles, subject, request, guard refusal) fails here."""
    assert set(WORKFLOWS) >= {"publishing.review", "publishing.validity", "publishing.relation", "disclosure.case"}
    assert sorted(set(MANUAL) - set(TRANSITION_ROLES)) == [], "transitions missing from TRANSITION_ROLES"
    assert sorted(set(TRANSITION_ROLES) - set(MANUAL)) == [], "TRANSITION_ROLES rows for no manual transition"
    assert sorted(set(MANUAL) - set(SUBJECTS)) == [] and sorted(set(MANUAL) - set(REQUESTS)) == []
    guarded = {k for k in MANUAL if transition_of(k)[1].guard is not None}
    assert sorted(guarded - set(GUARD_REFUSES) - set(NO_GUARD_REFUSAL)) == [], "guards never seen refusing"
    assert sorted((set(GUARD_REFUSES) | set(NO_GUARD_REFUSAL)) - guarded) == [], "rows for transitions without guard"


def test_the_world_is_what_the_subjects_say(world):
    """Each subject is in a source state of its transition, so a refusal in the matrix is about the actor."""
    for key, name in [*SUBJECTS.items(), *GUARD_REFUSES.items()]:
        workflow, transition = transition_of(key)
        assert workflow.state_of(world.fresh(name)) in transition.sources, (key, name)


# ---------------------------------------------------------------------------------------------------------------
# The engine: check() for every transition × every actor

def _check(world: World, actor: Actor, key: str, subject: str, user=None) -> DomainError | None:
    """The engine's refusal of `key` on a fresh `subject` for the actor (or `user`), or None if allowed."""
    workflow, transition = transition_of(key)
    try:
        workflow.check(user or world.user(actor), world.fresh(subject), transition.name)
    except DomainError as exc:
        return exc
    return None


@pytest.mark.parametrize(("key", "actor"), [pytest.param(k, a, id=f"{k}-{a}") for k in MANUAL for a in ACTORS])
def test_engine_check(world, key, actor):
    """check() allows the action iff the actor holds one of its roles in the object's agency (or above it)."""
    if key not in TRANSITION_ROLES:
        pytest.fail(f"{key} has no row in TRANSITION_ROLES")
    refusal = _check(world, actor, key, SUBJECTS[key])
    if allowed(actor, key):
        assert refusal is None, refusal.message
    else:
        # A refusal for any other reason than the role would mean the subject is not what the test assumes.
        assert isinstance(refusal, PermissionDenied), refusal or f"{actor} may take {key}"


def _able(key: str) -> list[Actor]:
    """Actors the rule tables allow to take `key`: the first of its roles here and above, and the superuser."""
    role = next(r for r in Role.values if r in TRANSITION_ROLES[key])
    return [BY_NAME[f"{role}@own"], BY_NAME[f"{role}@parent+sub"], BY_NAME["superuser"]]


@pytest.mark.parametrize(("key", "actor"), [pytest.param(k, a, id=f"{k}-{a}")
                                             for k in GUARD_REFUSES if k in MANUAL for a in _able(k)])
def test_guard_refuses_even_those_allowed(client, world, key, actor):
    """Allowed iff the role fits and the guard allows it: on an object the guard refuses, nobody may act,
    through the engine or through the view."""
    refusal = _check(world, actor, key, GUARD_REFUSES[key])
    assert type(refusal) is DomainError, refusal  # the guard's refusal, not the role's or the state's
    assert not take(client, world, key, actor, GUARD_REFUSES[key])


# ---------------------------------------------------------------------------------------------------------------
# Through the real views: POST each action and see whether it happened

def _doc_action(name: str, **extra: Any):
    """A workflow button on the document page."""
    def build(w: World, subject):
        # The page sends the revision it showed, so a step is never taken on a newer text than the one read.
        return "staff-document-action", [subject.pk], {"action": name, "comment": "矩阵测试意见。",
                                                        "revision": subject.latest_revision.number, **extra}
    return build


def _case_action(name: str, **fields: Any):
    """An action form on the case page (fields carry the action's prefix)."""
    def build(w: World, subject):
        data = {f"{name}-{k}": (v(w, subject) if callable(v) else v) for k, v in fields.items()}
        return "staff-application-action", [subject.pk, name], data
    return build


def _document_form(w: World, title: str, **extra: Any) -> dict:
    """A valid drafting form."""
    values = {"title": title, "doc_type": "通知", "subject": "综合政务\\政务公开", "disclosure_mode": "proactive",
              "body": "<p>矩阵测试正文。</p>", "validity": Validity.VALID, "formed_on": f"{w.today:%Y-%m-%d}",
              "change_note": "矩阵测试修改"}
    values.update(extra)
    return values


def _pk(items) -> int | str:
    """The item a pick form acts on; none where the guard refuses because there is none."""
    item = items.first()
    return item.pk if item else ""


def _later(w: World) -> str:
    """A publication time well in the future, as the datetime-local field sends it."""
    return f"{timezone.localtime() + dt.timedelta(days=30):%Y-%m-%dT%H:%M}"


def _catalog_kind(obj) -> str:
    """The kind a catalogue object has in the review URL."""
    return {"Guide": "guide", "CatalogItem": "item", "NegativeListEntry": "negative"}[type(obj).__name__]


CONVERT = {"title": "甲局文件（依申请转主动公开）", "body": "资金共计1200万元。", "subject": "综合政务\\政务公开"}

# How a user takes each action in the back office: (URL name, URL args, POST data) for the subject.
def _report_action(name: str) -> Callable[[World, Any], tuple[str, list, dict]]:
    """The POST of one move on an annual report revision (a return carries its reason)."""
    return lambda w, s: ("staff-annual-report-action", [w.own.code],
                         {"action": name, "report": s.pk, "year": str(s.year), "comment": "请补充第五部分。",
                          "confirm_gaps": "1"})


def _pair_action(name: str):
    return lambda w, s: ("staff-qa-pair-action", [s.pk], {"action": name, "comment": "请补充依据。"})


REQUESTS: dict[str, Callable[[World, Any], tuple[str, list, dict]]] = {
    "publishing.review:create_document": lambda w, s: (
        "staff-document-new", [], _document_form(w, "甲局文件（新建）", agency=w.own.pk, kind="policy")),
    "publishing.review:create_from_application": lambda w, s: _case_action("convert_to_proactive", **CONVERT)(
        w, w.fresh("case:decided")),
    "publishing.review:save_revision": lambda w, s: (
        "staff-document-edit", [s.pk], _document_form(w, "甲局文件（已发布，修订中）")),
    "publishing.review:submit": _doc_action("submit"),
    "publishing.review:pass_secrecy_review": _doc_action("pass_secrecy_review"),
    "publishing.review:reject_secrecy_review": _doc_action("reject_secrecy_review"),
    "publishing.review:approve": _doc_action("approve"),
    "publishing.review:reject_approval": _doc_action("reject_approval"),
    "publishing.review:sign_off": _doc_action("sign_off"),
    "publishing.review:reject_signoff": _doc_action("reject_signoff"),
    "publishing.review:publish": _doc_action("publish"),
    "publishing.review:schedule": lambda w, s: _doc_action("schedule", scheduled_at=_later(w))(w, s),
    "publishing.review:cancel_schedule": _doc_action("cancel_schedule"),
    "publishing.review:reject_publication": _doc_action("reject_publication"),
    "publishing.review:withdraw": _doc_action("withdraw"),
    "publishing.validity:set_validity": lambda w, s: (
        "staff-document-validity", [s.pk],
        {"validity": Validity.EXPIRED, "expires_on": f"{w.today:%Y-%m-%d}", "comment": "已到期"}),
    "publishing.relation:confirm_relation": lambda w, s: (
        "staff-relation-action", [s.pk], {"action": "confirm_relation", "comment": "同意废止"}),
    "publishing.relation:decline_relation": lambda w, s: (
        "staff-relation-action", [s.pk], {"action": "decline_relation", "comment": "本局文件仍然有效"}),
    "disclosure.case:register_application": lambda w, s: ("staff-application-new", [], {
        "applicant_type": "natural_person", "organization_kind": "", "name": "李四", "id_number": RESIDENT_ID,
        "phone": "13600003333", "email": "lisi@example.com", "address": "", "agency": w.own.code,
        "description": "申请公开本局2026年政府采购项目清单。", "delivery": "email", "channel": "in_person",
        "handed_in_on": f"{w.today:%Y-%m-%d}"}),
    "disclosure.case:accept": _case_action("accept", comment=""),
    "disclosure.case:receive_correction": _case_action("receive_correction", comment=""),
    "disclosure.case:record_payment": _case_action(
        "record_payment", item=lambda w, s: _pk(s.fee_notices.filter(paid_on__isnull=True))),
    "disclosure.case:end_consultation": _case_action(
        "end_consultation", item=lambda w, s: _pk(s.pauses.filter(ended_on__isnull=True)), outcome="第三方同意公开"),
    "disclosure.case:approve_extension": _case_action("approve_extension", days=10, reason=""),
    "disclosure.case:refuse_extension": _case_action("refuse_extension", comment="理由不充分。"),
    "disclosure.case:decide": _case_action("decide", decision="granted", reason="获取方式：请到本机关受理点查阅。"),
    "disclosure.case:generate_letter": _case_action("generate_letter"),
    "disclosure.case:deliver": _case_action("deliver", channel="paper", method="当面签收"),
    "disclosure.case:close": _case_action("close", comment=""),
    "disclosure.case:request_correction": _case_action("request_correction", items="请写明所需信息的文号。"),
    "disclosure.case:convert_to_proactive": _case_action("convert_to_proactive", **CONVERT),
    "disclosure.case:update_remedy": _case_action(
        "update_remedy", item=lambda w, s: _pk(s.remedies.all()), outcome=RemedyOutcome.MAINTAINED,
        concluded_on=lambda w, s: f"{w.today:%Y-%m-%d}"),
    "disclosure.case:start_consultation": _case_action("start_consultation", kind=PauseKind.THIRD_PARTY,
                                                       party="某科技有限公司"),
    "disclosure.case:record_review": _case_action(
        "record_review", filed_on=lambda w, s: f"{w.today:%Y-%m-%d}", outcome=RemedyOutcome.PENDING),
    "disclosure.case:record_litigation": _case_action(
        "record_litigation", route=LitigationRoute.DIRECT, filed_on=lambda w, s: f"{w.today:%Y-%m-%d}",
        outcome=RemedyOutcome.PENDING),
    "disclosure.case:request_extension": _case_action("request_extension", days=10, reason="需要协调。"),
    "disclosure.case:issue_fee_notice": _case_action("issue_fee_notice", basis=FeeBasis.PER_PAGE, pages=120),
    "disclosure.case:assign": _case_action("assign", assignee=lambda w, s: w.office["officer"].pk),
    "disclosure.case:note": _case_action("note", note="已电话联系申请人。"),
    "disclosure.case:record_fee_receipt": _case_action(
        "record_fee_receipt", item=lambda w, s: _pk(s.fee_notices.filter(received_on__isnull=True)),
        served_by="post", received_on=lambda w, s: f"{w.today:%Y-%m-%d}"),
    "disclosure.case:edit_released": _case_action(
        "edit_released", released_links=lambda w, s: f"/xxgk/documents/{w.pk('doc:live')}/"),
    "disclosure.case:email_reply": _case_action("email_reply"),
    "disclosure.case:publish_reply": _case_action("publish_reply"),
    "disclosure.case:post_reply": _case_action("post_reply", tracking_number="EA123456789CN"),
    "disclosure.case:split_request": _case_action("split_request", item_count=2, reason="两个不同项目。"),
    "disclosure.case:ask_bulk_reason": _case_action("ask_bulk_reason", note="本月已提出 40 件。"),
    "disclosure.case:defer_reply": _case_action(
        "defer_reply", reason_given="研究需要。", deferred_to=lambda w, s: f"{w.today + dt.timedelta(days=90):%Y-%m-%d}"),
    "disclosure.case:decide_record_correction": _case_action(
        "decide_record_correction", outcome="corrected", reason="已将出生日期更正为1990年1月1日。"),
    "disclosure.case:record_assistance": _case_action("record_assistance", assistance_needs="sight",
                                                      assistance_help="large_print"),
    "catalog.review:publish": lambda w, s: ("staff-catalog-action", [_catalog_kind(s), s.pk], {"action": "publish"}),
    **{f"qa.pair:{name}": _pair_action(name) for name in ("submit", "publish", "return")},
    "qa.pair:revise": lambda w, s: ("staff-qa-pair-edit", [w.own.code, s.pk], {
        "question": "甲局问答：补贴怎么申请（修改）", "answer": "向甲局提出书面申请。", "source": w.pk("doc:live")}),
    "catalog.review:retire": lambda w, s: ("staff-catalog-action", [_catalog_kind(s), s.pk],
                                           {"action": "retire", "comment": "不再适用"}),
    "reports.annual:draft": lambda w, s: ("staff-annual-report-action", [w.own.code],
                                          {"action": "draft", "year": str(s.year)}),
    "participation.consultation:open": lambda w, s: ("staff-consultation-action", [s.pk], {"action": "open"}),
    "participation.consultation:publish_feedback": lambda w, s: ("staff-consultation-action", [s.pk],
                                                                 {"action": "publish_feedback"}),
    "participation.meeting:publish": lambda w, s: ("staff-meeting-action", [s.pk], {"action": "publish"}),
    "participation.meeting:withdraw": lambda w, s: ("staff-meeting-action", [s.pk],
                                                    {"action": "withdraw", "comment": "矩阵撤回"}),
    "participation.evaluation:publish": lambda w, s: ("staff-evaluation-action", [s.pk], {"action": "publish"}),
    "participation.evaluation:withdraw": lambda w, s: ("staff-evaluation-action", [s.pk],
                                                       {"action": "withdraw", "comment": "矩阵撤回"}),
    "participation.message:register_message": lambda w, s: ("staff-message-new", [w.own.code], {
        "channel": "letter", "received_on": f"{w.today:%Y-%m-%d}", "category": "mailbox", "title": "矩阵来信",
        "content": "来信内容", "name": "写信人", "address": "东区和平路1号"}),
    "participation.message:transfer_message": lambda w, s: ("staff-message-action", [s.pk], {
        "action": "transfer_message", "to_agency": w.other.code, "reason": "矩阵转办"}),
    "participation.message:reply_message": lambda w, s: ("staff-message-action", [s.pk], {
        "action": "reply_message", "reply": "矩阵答复"}),
    "participation.message:mark_duplicate": lambda w, s: ("staff-message-action", [s.pk], {
        "action": "mark_duplicate", "original": w.fresh("message:replied").code, "reason": "矩阵重复"}),
    "participation.message:mark_invalid": lambda w, s: ("staff-message-action", [s.pk], {
        "action": "mark_invalid", "reason": "矩阵无效"}),
    "participation.message:publish_reply": lambda w, s: ("staff-message-action", [s.pk], {"action": "publish_reply"}),
    "participation.message:withdraw_reply": lambda w, s: ("staff-message-action", [s.pk], {
        "action": "withdraw_reply", "reason": "矩阵撤下"}),
    "participation.message:record_fix": lambda w, s: ("staff-message-action", [s.pk], {
        "action": "record_fix", "fix_note": "矩阵纠错"}),
    **{f"reports.annual:{name}": _report_action(name)
       for name in ("review", "reject_review", "release", "reject_release")},
    "assessment.workplan:start_task": lambda w, s: ("staff-workplan-task-action", [s.pk], {"action": "start_task"}),
    "assessment.workplan:report_task": lambda w, s: (
        "staff-workplan-task-action", [s.pk], {"action": "report_task", "evidence_text": "已按要求公开。"}),
    "assessment.workplan:confirm_task": lambda w, s: ("staff-workplan-task-action", [s.pk],
                                                      {"action": "confirm_task"}),
    "assessment.workplan:return_task": lambda w, s: (
        "staff-workplan-task-action", [s.pk], {"action": "return_task", "comment": "请补充佐证。"}),
}


def _state(obj) -> tuple:
    """What a refused request must leave alone on its subject."""
    if obj.pk is None:
        return ()
    obj = type(obj)._default_manager.get(pk=obj.pk)
    if isinstance(obj, Document):
        return (obj.state, obj.validity, obj.live_revision_id, obj.latest_revision_id, obj.scheduled_at)
    if hasattr(obj, "published") and hasattr(obj, "reviewed_on"):  # a catalogue entry (catalog.models.Reviewed)
        return (obj.state, obj.published, obj.reviewed_on)
    if hasattr(obj, "flag_reason") and hasattr(obj, "version"):  # a curated Q&A pair (qa.models.QAPair)
        return (obj.state, obj.version, obj.question, obj.answer)
    if hasattr(obj, "snapshot") and hasattr(obj, "released_at"):  # an annual report (reports.models.AnnualReport)
        return (obj.state, obj.released_at)
    if type(obj).__name__ == "WorkTask":
        return (obj.state, obj.reported_at, obj.confirmed_on, obj.return_reason)
    if isinstance(obj, Application):
        return (obj.state, obj.assigned_to_id, obj.extension_days, obj.extension_requested_days, obj.decision,
                obj.proactive_document_id)
    return (obj.status,)


def _totals() -> tuple:
    """Counts of everything an action writes: none may move when a request is refused."""
    return tuple(m.objects.count() for m in (AuditEntry, Document, Revision, Relation, Application, CaseEvent,
                                             apps.get_model("reports", "AnnualReport"),
                                             apps.get_model("assessment", "WorkPlan"),
                                             apps.get_model("assessment", "WorkTask")))


def _assert_status(response, expected: int | str) -> None:
    """The status the rules expect; never a server error."""
    assert response.status_code < 500
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(f"{settings.LOGIN_URL}?next=")
    else:
        assert response.status_code == expected, (
            "；".join(re.findall(r'class="(?:msg msg-error|error-summary|field-error|errorlist)[^"]*"[^>]*>(.*?)</',
                                response.content.decode(), re.S)) if response.status_code == 400 else "")


def take(client, world: World, key: str, actor: Actor, subject_key: str | None = None, user=None) -> bool:
    """POST the action as `actor` (or `user`, whom the URL rules treat as `actor`) through its view; assert the
    status the URL rules give; return whether it happened (and, if it did not, that nothing changed)."""
    _, transition = transition_of(key)
    subject = world.fresh(subject_key or SUBJECTS[key])
    url_name, args, data = REQUESTS[key](world, subject)
    before_totals, before_state = _totals(), _state(subject)
    done_before = AuditEntry.objects.filter(action=transition.name).count()
    response = login(client, world, actor, user).post(reverse(url_name, args=args), data)
    _assert_status(response, URL_RULES[(url_name, "POST")].status(actor))
    happened = AuditEntry.objects.filter(action=transition.name).count() > done_before
    if not happened:
        assert (_totals(), _state(subject)) == (before_totals, before_state)
    elif transition.target and subject.pk is not None:
        assert _state(subject)[0] == transition.target
    return happened


def _sample(key: str) -> list[Actor]:
    """Three actors allowed (the role here, above with covers_subordinates, the superuser) and five refused (the
    role in the sibling and above without covers, a wrong role here, no role, anonymous)."""
    role = next(r for r in Role.values if r in TRANSITION_ROLES[key])
    # The officer where only the head may act: the near miss; elsewhere the administrator, who runs the platform
    # but takes no step of any workflow.
    wrong = OF if TRANSITION_ROLES[key] == {HD} else AD
    names = [f"{role}@own", f"{role}@parent+sub", "superuser", f"{role}@other", f"{role}@parent",
             f"{wrong}@own", "no-role", "anonymous"]
    return [BY_NAME[n] for n in names]


@pytest.mark.parametrize(("key", "actor"), [pytest.param(k, a, id=f"{k}-{a}") for k in MANUAL for a in _sample(k)])
def test_action_through_the_view(client, world, key, actor):
    """The real view does the action exactly when the rule tables allow it; a refusal changes nothing."""
    assert take(client, world, key, actor) is allowed(actor, key)


# ---------------------------------------------------------------------------------------------------------------
# Every staff URL × every actor

GET_ROWS = [(name, method) for name, method in URL_RULES if method == "GET"]
POST_ROWS = [(name, method) for name, method in URL_RULES if method == "POST"]


@pytest.mark.parametrize(("url_name", "actor"), [pytest.param(n, a, id=f"{n}-{a}")
                                                 for n, _ in GET_ROWS for a in ACTORS])
def test_get(client, world, url_name, actor):
    """GET gives the status of the rule table; lists and forms offer the own agency only to those it names."""
    rule = URL_RULES[(url_name, "GET")]
    response = login(client, world, actor).get(reverse(url_name, args=rule.args(world)))
    expected = rule.status(actor)
    _assert_status(response, expected)
    if rule.shows and expected == 200:
        shown, who = rule.shows
        assert shown(response, world) is who(actor)
    if response.streaming:
        # Reading a download to its end closes the file the way the test client means it to; closing the response
        # by hand would also close the database connection, and with it the transaction the world lives in.
        b"".join(response.streaming_content)


@pytest.mark.parametrize(("url_name", "actor"), [pytest.param(n, a, id=f"{n}-{a}")
                                                 for n, _ in POST_ROWS for a in ACTORS])
def test_post(client, world, url_name, actor):
    """POST gives the status of the rule table, and does its action exactly when the rule tables allow it."""
    rule = URL_RULES[(url_name, "POST")]
    if rule.probe:
        assert take(client, world, rule.probe, actor) is allowed(actor, rule.probe)
    elif url_name == "staff-logout":
        response = login(client, world, actor).post(reverse(url_name))
        _assert_status(response, rule.status(actor))
        _assert_status(client.get(reverse("staff-dashboard")), LOGIN)
    elif url_name == "staff-application-applicant":
        before = AuditEntry.objects.filter(action="view_applicant").count()
        response = login(client, world, actor).post(reverse(url_name, args=rule.args(world)))
        _assert_status(response, rule.status(actor))
        revealed = AuditEntry.objects.filter(action="view_applicant").count() > before
        assert revealed is handles(actor)
        assert ("张三丰" in response.content.decode()) is handles(actor)
    elif url_name == "staff-annual-report-narrative":
        from gongkai.reports.models import Narrative

        response = login(client, world, actor).post(reverse(url_name, args=rule.args(world)),
                                                    {"year": "2025", "section": "overview", "text": "甲局总体情况"})
        _assert_status(response, rule.status(actor))
        assert Narrative.objects.filter(agency=world.own, text="甲局总体情况").exists() is handles(actor)
    elif url_name in ("staff-annual-report-figures", "staff-annual-report-figures-import"):
        import io

        from gongkai.reports.models import EnteredFigure

        if url_name == "staff-annual-report-figures":
            data = {"year": "2025", "figure_licensing": "17"}
        else:
            upload = io.BytesIO(f"机关代码,年度,事项,数值\n{world.own.code},2025,行政许可,17\n".encode())
            upload.name = "figures.csv"
            data = {"year": "2025", "file": upload}
        response = login(client, world, actor).post(reverse(url_name, args=rule.args(world)), data)
        _assert_status(response, rule.status(actor))
        entered = EnteredFigure.objects.filter(agency=world.own, year=2025, item="licensing", value=17)
        assert entered.exists() is handles(actor)
    elif url_name.startswith("staff-catalog-"):
        _post_catalog(client, world, actor, url_name, rule)
    elif url_name.startswith("staff-workplan-"):
        _post_workplan(client, world, actor, url_name, rule)
    elif url_name.startswith("staff-consultation-"):
        _post_participation(client, world, actor, url_name, rule)
    elif url_name.startswith(("staff-meeting-", "staff-attendee-", "staff-evaluation-")):
        _post_records(client, world, actor, url_name, rule)
    elif url_name == "staff-assessment-scheme":
        from gongkai.assessment.models import Scheme
        from gongkai.assessment.rules import DEFAULT_INDICATORS

        data = {"name": "矩阵考评方案", "year": "2026"}
        for code, weight, formula, points in DEFAULT_INDICATORS:
            data.update({f"weight_{code}": weight, f"formula_{code}": formula, f"points_{code}": points})
        response = login(client, world, actor).post(reverse(url_name, args=rule.args(world)), data)
        _assert_status(response, rule.status(actor))
        assert Scheme.objects.filter(name="矩阵考评方案").exists() is general_office(actor)
    elif url_name == "staff-qa-pairs-import":
        import io

        from openpyxl import Workbook

        from gongkai.qa.models import QAPair
        from gongkai.qa.pairs import XLSX_COLUMNS

        book = Workbook()
        book.active.append(list(XLSX_COLUMNS))
        book.active.append(["矩阵导入的问答", "答案。", world.pk("doc:live"), "", ""])
        upload = io.BytesIO()
        book.save(upload)
        upload.seek(0)
        upload.name = "pairs.xlsx"
        response = login(client, world, actor).post(reverse(url_name, args=rule.args(world)), {"file": upload})
        _assert_status(response, rule.status(actor))
        assert QAPair.objects.filter(question="矩阵导入的问答").exists() is may(actor, {D})
    elif url_name in ("staff-api-keys", "staff-api-key-action"):
        from gongkai.core.models import ApiClient

        data = {"name": f"矩阵签发{actor.name}", "limit_per_minute": "7", "action": "limit"}
        response = login(client, world, actor).post(reverse(url_name, args=rule.args(world)), data)
        _assert_status(response, rule.status(actor))
        changed = (ApiClient.objects.filter(name=data["name"]).exists() if url_name == "staff-api-keys"
                   else ApiClient.objects.get(pk=world.pk("api_client")).limit_per_minute == 7)
        assert changed is (actor.kind == "superuser")
    elif url_name == "staff-search-hot":
        response = login(client, world, actor).post(reverse(url_name), {"query": "低保", "kind": "pin"})
        _assert_status(response, rule.status(actor))
        assert HotSearchRule.objects.filter(query="低保").exists() is (actor.kind == "superuser")
    else:
        pytest.fail(f"no POST request written for {url_name}")


def _post_participation(client, world: World, actor: Actor, url_name: str, rule: Rule) -> None:
    """POST a consultation form of the own agency; it writes exactly when the actor handles the own agency."""
    from gongkai.participation.models import Comment, Consultation

    draft = {"document": world.pk("doc:draftable"), "kind": "rule", "explanation": "矩阵起草说明",
             "starts_on": f"{world.today:%Y-%m-%d}", "ends_on": f"{world.today + dt.timedelta(days=45):%Y-%m-%d}"}
    if url_name == "staff-consultation-new":
        data, written = {**draft, "title": "矩阵新建征求意见"}, Consultation.objects.filter(title="矩阵新建征求意见")
    elif url_name == "staff-consultation-edit":
        data, written = {**draft, "title": "矩阵修改标题"}, Consultation.objects.filter(title="矩阵修改标题")
    elif url_name == "staff-consultation-feedback":
        data = {"received_count": "3", "adopted_count": "1", "feedback_text": "矩阵采纳情况"}
        written = Consultation.objects.filter(feedback_text="矩阵采纳情况")
    elif url_name == "staff-consultation-comment":
        data, written = {"content": "矩阵登记意见"}, Comment.objects.filter(content="矩阵登记意见")
    elif url_name == "staff-consultation-extend":
        data = {"ends_on": f"{world.today + dt.timedelta(days=60):%Y-%m-%d}", "reason": "矩阵延长"}
        written = Consultation.objects.filter(extension_reason="矩阵延长")
    elif url_name == "staff-consultation-moderate":
        data, written = {"action": "hide", "reason": "矩阵屏蔽"}, Comment.objects.filter(moderation_reason="矩阵屏蔽")
    else:
        pytest.fail(f"no POST request written for {url_name}")
    response = login(client, world, actor).post(reverse(url_name, args=rule.args(world)), data)
    _assert_status(response, rule.status(actor))
    assert written.exists() is handles(actor)


def _post_records(client, world: World, actor: Actor, url_name: str, rule: Rule) -> None:
    """POST a meeting or evaluation form of the own agency; it writes exactly when the actor handles the own
    agency."""
    from gongkai.participation.models import Attendee, Evaluation, Meeting

    held = f"{world.today:%Y-%m-%d}"
    if url_name in ("staff-meeting-new", "staff-meeting-edit"):
        title = f"矩阵{url_name}"
        data, written = {"title": title, "held_on": held}, Meeting.objects.filter(title=title).exists
    elif url_name == "staff-meeting-attendee":
        data, written = {"name": "矩阵代表", "category": "expert"}, Attendee.objects.filter(name="矩阵代表").exists
    elif url_name == "staff-attendee-edit":
        data = {"name": "矩阵改名代表", "category": "expert"}
        written = Attendee.objects.filter(pk=world.pk("attendee"), name="矩阵改名代表").exists
    elif url_name == "staff-attendee-remove":
        data, written = {}, lambda: not Attendee.objects.filter(pk=world.pk("attendee")).exists()
    elif url_name in ("staff-evaluation-new", "staff-evaluation-edit"):
        title = f"矩阵{url_name}"
        data = {"policy": world.pk("doc:live"), "title": title, "method": "self"}
        written = Evaluation.objects.filter(title=title).exists
    else:
        pytest.fail(f"no POST request written for {url_name}")
    response = login(client, world, actor).post(reverse(url_name, args=rule.args(world)), data)
    _assert_status(response, rule.status(actor))
    assert written() is handles(actor)


def _post_catalog(client, world: World, actor: Actor, url_name: str, rule: Rule) -> None:
    """POST a catalogue form of the own agency; it writes exactly when the actor handles the own agency."""
    import io

    from openpyxl import Workbook

    from gongkai.catalog.models import CatalogItem, Guide, LedgerEntry

    data: dict[str, Any] = {}
    if url_name == "staff-catalog-guide":
        data = {"how_to_apply": "在线申请", "office_name": "甲局办公室", "office_hours": "矩阵办公时间"}
        written = lambda: Guide.objects.filter(agency=world.own, office_hours="矩阵办公时间").exists()  # noqa: E731
    elif url_name == "staff-catalog-entry":
        data = {"category": "budget", "content": "矩阵部门预算", "basis": "《预算法》第十四条", "order": 10}
        written = lambda: CatalogItem.objects.filter(agency=world.own, content="矩阵部门预算").exists()  # noqa: E731
    elif url_name == "staff-catalog-seed":
        written = lambda: CatalogItem.objects.filter(agency=world.own).exists()  # noqa: E731
    elif url_name == "staff-catalog-ledger-generate":
        written = lambda: LedgerEntry.objects.filter(agency=world.own).exists()  # noqa: E731
    elif url_name == "staff-catalog-import":
        book = Workbook()
        book.active.append(["一级事项", "二级事项", "公开内容（要素）", "公开依据"])
        book.active.append(["财政预决算", "", "矩阵导入事项", "《预算法》第十四条"])
        upload = io.BytesIO()
        book.save(upload)
        upload.seek(0)
        upload.name = "catalog.xlsx"
        data = {"file": upload}
        written = lambda: CatalogItem.objects.filter(agency=world.own, content="矩阵导入事项").exists()  # noqa: E731
    else:
        pytest.fail(f"no POST request written for {url_name}")
    response = login(client, world, actor).post(reverse(url_name, args=rule.args(world)), data)
    _assert_status(response, rule.status(actor))
    assert written() is handles(actor)


def _post_workplan(client, world: World, actor: Actor, url_name: str, rule: Rule) -> None:
    """POST a work plan form; it writes exactly when the actor is the general office."""
    import io

    from openpyxl import Workbook

    from gongkai.assessment.models import WorkPlan, WorkTask

    data: dict[str, Any] = {}
    if url_name == "staff-workplan-new":
        data = {"year": str(world.today.year), "title": "矩阵新建工作要点", "source": ""}
        written = lambda: WorkPlan.objects.filter(title="矩阵新建工作要点").exists()  # noqa: E731
    elif url_name == "staff-workplan-task-new":
        data = {"number": "二", "text": "矩阵新增任务", "agency": world.own.code, "due_on": "2026-12-31"}
        written = lambda: WorkTask.objects.filter(text="矩阵新增任务").exists()  # noqa: E731
    elif url_name == "staff-workplan-import":
        book = Workbook()
        book.active.append(["序号", "工作任务", "责任单位", "完成时限"])
        book.active.append(["三", "矩阵导入任务", world.own.name, "2026-12-31"])
        upload = io.BytesIO()
        book.save(upload)
        upload.seek(0)
        upload.name = "tasks.xlsx"
        data = {"file": upload}
        written = lambda: WorkTask.objects.filter(text="矩阵导入任务").exists()  # noqa: E731
    else:
        pytest.fail(f"no POST request written for {url_name}")
    response = login(client, world, actor).post(reverse(url_name, args=rule.args(world)), data)
    _assert_status(response, rule.status(actor))
    assert written() is general_office(actor)


# ---------------------------------------------------------------------------------------------------------------
# 一事一审: one person performs one review step of one revision, whatever roles they hold

SEPARATION = [
    # (id, subject, first step, second step, who: "superuser" or the roles of one user here, combined allowed)
    ("review-superuser", "doc:secrecy_review", "pass_secrecy_review", "approve", "superuser", False),
    ("review-secrecy_reviewer+approver", "doc:secrecy_review", "pass_secrecy_review", "approve", (SR, AP), False),
    ("review-drafter+secrecy_reviewer", "doc:draft", "submit", "pass_secrecy_review", (D, SR), False),
    ("review-signer+publisher", "doc:signoff", "sign_off", "publish", (SG, PB), False),
    # The agency's audited setting for very small offices is the only way round it.
    ("review-approver+signer-combined_duties_allowed", "doc:approval", "approve", "sign_off", (AP, SG), True),
    ("case-superuser", "case:in_progress", "request_extension", "approve_extension", "superuser", False),
    ("case-officer+head", "case:in_progress", "request_extension", "approve_extension", (OF, HD), False),
]


@pytest.mark.parametrize(("subject", "first", "second", "who", "combined"),
                         [pytest.param(*row[1:], id=row[0]) for row in SEPARATION])
def test_one_person_one_review_step(client, world, subject, first, second, who, combined):
    """The superuser and a user holding both roles take the first step, then are refused the second."""
    workflow_name = "disclosure.case" if subject.startswith("case:") else "publishing.review"
    if who == "superuser":
        actor, user = BY_NAME["superuser"], world.users["superuser"]
    else:
        # The URL rules treat the user like the holder of its first role here (both roles are for this agency).
        actor, user = BY_NAME[f"{who[0]}@own"], factories.make_staff(world.own, *who)
    if combined:
        org_services.set_combined_duties(world.users["superuser"], world.own, True, "本机关仅有两名工作人员。")
    first_key, second_key = f"{workflow_name}:{first}", f"{workflow_name}:{second}"
    assert take(client, world, first_key, actor, subject, user)
    refusal = _check(world, actor, second_key, subject, user)
    if combined:
        assert refusal is None
    else:
        # Each workflow names its rule: 一事一审 for review, the extension's own rule for disclosure.
        rule = "延期须由他人批准" if subject.startswith("case:") else "一事一审"
        assert isinstance(refusal, PermissionDenied) and refusal.message.startswith(f"{rule}："), refusal
    assert take(client, world, second_key, actor, subject, user) is combined
