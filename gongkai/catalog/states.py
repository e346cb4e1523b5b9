"""The review of the catalogue's public content: guide, catalogue items and negative-list entries.

Staff edit a draft; the head of the disclosure office publishes it, which is the review (审核) the guide's
last-reviewed date records. What the public sees is the snapshot taken then: edits after publication stay
invisible until the next publication, and retiring takes an entry off the public pages at once.
"""

from __future__ import annotations

from django.db import models

from gongkai.core.workflow import Transition
from gongkai.orgs.roles import Role
from gongkai.orgs.workflows import agency_workflow


class CatalogState(models.TextChoices):
    DRAFT = "draft", "草稿（未公开）"
    PUBLIC = "public", "已公开"
    RETIRED = "retired", "已停用"


def _has_content(obj) -> str | None:
    return obj.missing_content()


REVIEW = agency_workflow(
    name="catalog.review",
    states=CatalogState,
    object_label="本条",
    transitions=(
        # Publishing again a public entry publishes its edits: each publication is a review.
        Transition("publish", "审核并公开", (CatalogState.DRAFT, CatalogState.PUBLIC, CatalogState.RETIRED),
                   CatalogState.PUBLIC, (Role.DISCLOSURE_HEAD,), guard=_has_content, order=10),
        Transition("retire", "停用（不再公开）", (CatalogState.PUBLIC,), CatalogState.RETIRED,
                   (Role.DISCLOSURE_HEAD,), needs_comment=True, order=90),
    ),
)
