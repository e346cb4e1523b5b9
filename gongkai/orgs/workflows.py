"""Workflows whose roles are held in agencies: the engine (gongkai.core.workflow) wired to orgs' permissions."""

from __future__ import annotations

from typing import Any

from gongkai.core.workflow import Workflow
from gongkai.orgs.permissions import require_any_role


def agency_workflow(**declaration: Any) -> Workflow:
    """A Workflow whose transitions' roles are checked in the agency owning the object.

    `scope` defaults to the object's `agency`; give it where another agency decides (e.g. a relation's target)."""
    declaration.setdefault("scope", lambda obj: obj.agency)
    return Workflow(authorize=require_any_role, **declaration)
