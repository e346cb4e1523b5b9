"""The one place that answers: may this user act in this role for this agency?"""

from __future__ import annotations

from django.db.models import Q

from gongkai.core.errors import PermissionDenied
from gongkai.orgs.models import Agency, RoleGrant
from gongkai.orgs.roles import Role


def acts_as_staff(user) -> bool:
    """An active staff account: only those exercise roles (turning off 工作人员 suspends every grant at once)."""
    return (user is not None and getattr(user, "is_authenticated", False) and user.is_active
            and user.is_staff)


def has_role(user, role: str, agency: Agency) -> bool:
    """True if `user` holds `role` in `agency`, or in an ancestor with covers_subordinates."""
    if not acts_as_staff(user):
        return False
    if user.is_superuser:
        return True
    ancestor_ids = [a.pk for a in agency.ancestors()]
    return RoleGrant.objects.filter(user=user, role=role).filter(
        Q(agency=agency) | Q(agency_id__in=ancestor_ids, covers_subordinates=True)).exists()


def require_role(user, role: str, agency: Agency) -> None:
    """Raise PermissionDenied with a Chinese message unless has_role()."""
    require_any_role(user, (role,), agency)


def require_any_role(user, roles: tuple[str, ...], agency: Agency) -> None:
    """Raise PermissionDenied with a Chinese message unless `user` holds one of `roles` in `agency`.

    The workflows of every app check roles through this function."""
    if not any(has_role(user, role, agency) for role in roles):
        names = "”或“".join(Role(role).label for role in roles)
        raise PermissionDenied(f"您没有在“{agency.name}”担任“{names}”的权限。")


def agencies_for(user, role: str | None = None) -> list[Agency]:
    """Agencies in which `user` holds `role` (any role if None), expanded to subordinates where granted."""
    if not acts_as_staff(user):
        return []
    if user.is_superuser:
        return list(Agency.objects.all())
    grants = RoleGrant.objects.filter(user=user).select_related("agency")
    if role:
        grants = grants.filter(role=role)
    ids: set[int] = set()
    for g in grants:
        ids.update(g.agency.descendant_ids() if g.covers_subordinates else {g.agency_id})
    return list(Agency.objects.filter(pk__in=ids))


def roles_of(user, agency: Agency) -> set[str]:
    """Every role `user` may exercise in `agency`."""
    return {r for r in Role.values if has_role(user, r, agency)}
