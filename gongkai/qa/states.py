"""The review of curated Q&A pairs (政策问答): a drafter writes, an approver reviews before anything is public.

A pair rests on a source document (and the article it cites). When that document is repealed, amended, expires
or leaves the public, the pair is flagged and hidden from answers until it is revised and reviewed again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.db import models

from gongkai.core.workflow import Transition
from gongkai.orgs.roles import Role
from gongkai.orgs.workflows import agency_workflow


class PairState(models.TextChoices):
    DRAFT = "draft", "草稿（未公开）"
    REVIEW = "review", "待审核"
    PUBLISHED = "published", "已公开"
    FLAGGED = "flagged", "依据变化，待复核（已暂停公开）"


def _publishable(pair, valid: set[int] | None = None) -> str | None:
    """Content, and a source still current and valid: a source repealed or withdrawn while the pair waited in
    review made it 已公开 for staff and yet never shown (public_pairs), and never flagged either. `valid`: the valid
    sources among a page's, read at once (pairs.source_problem)."""
    from gongkai.qa.pairs import source_problem  # pairs imports this module

    return pair.missing_content() or source_problem(pair, valid)


def publishable_among(valid: set[int]) -> dict[str, Callable]:
    """The guards of REVIEW's transitions for a page of pairs whose valid sources are `valid`
    (Workflow.available_for): the same refusals, without a query a pair."""
    guard = partial(_publishable, valid=valid)
    return {t.name: guard for t in REVIEW.transitions.values() if t.guard is _publishable}


REVIEW = agency_workflow(
    name="qa.pair",
    states=PairState,
    object_label="本问答",
    subject_label="本问答",
    duties={"draft": "起草", "review": "审核"},
    duty_subject=lambda pair: f"qa-pair:{pair.pk}:{pair.version}",
    transitions=(
        Transition("submit", "提交审核", (PairState.DRAFT,), PairState.REVIEW, (Role.DRAFTER,), guard=_publishable,
                   duty="draft", order=10),
        Transition("publish", "审核通过并公开", (PairState.REVIEW,), PairState.PUBLISHED, (Role.APPROVER,),
                   guard=_publishable, duty="review", order=20),
        Transition("return", "退回修改", (PairState.REVIEW,), PairState.DRAFT, (Role.APPROVER,), needs_comment=True,
                   duty="review", order=30),
        # Editing a flagged pair starts a new version, reviewed again before it is public. A public pair is edited
        # in a revision of its own (QAPair.revises) and stays public until the revision is approved.
        Transition("revise", "修改", (PairState.FLAGGED,), PairState.DRAFT, (Role.DRAFTER,),
                   offered=False, new_subject=True, duty="draft"),
        Transition("flag", "依据变化，暂停公开", (PairState.PUBLISHED,), PairState.FLAGGED, system=True),
    ),
)
