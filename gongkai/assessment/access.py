"""Who assesses: the general office — an administrator or the head of the disclosure office at a root agency,
granted over its subordinates — and superusers. They see and score every agency under that root."""

from __future__ import annotations

from gongkai.orgs.models import Agency, RoleGrant
from gongkai.orgs.permissions import acts_as_staff
from gongkai.orgs.roles import Role

OFFICE_ROLES = (Role.ADMINISTRATOR, Role.DISCLOSURE_HEAD)


def office_agencies(user) -> list[Agency]:
    """The agencies `user` assesses as the general office (none for everyone else)."""
    if not acts_as_staff(user):
        return []
    if user.is_superuser:
        return list(Agency.objects.all())
    ids: set[int] = set()
    for grant in RoleGrant.objects.filter(user=user, role__in=OFFICE_ROLES, covers_subordinates=True,
                                          agency__parent__isnull=True).select_related("agency"):
        ids.update(grant.agency.descendant_ids())
    return list(Agency.objects.filter(pk__in=ids))
