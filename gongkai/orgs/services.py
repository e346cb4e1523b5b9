"""Write path for agencies and staff."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.orgs.models import Agency, AgencyKind, RoleGrant, StaffProfile
from gongkai.orgs.permissions import require_role
from gongkai.orgs.roles import Role


@transaction.atomic
def upsert_agency(code: str, name: str, *, parent: Agency | None = None, kind: str = AgencyKind.DEPARTMENT,
                  short_name: str = "", order: int = 100, actor=None) -> Agency:
    """Create or update the agency with this code; return it."""
    code = code.strip()
    if not code:
        raise DomainError("机构代码不能为空。", field="code")
    agency, created = Agency.objects.update_or_create(
        code=code, defaults={"name": name, "parent": parent, "kind": kind, "short_name": short_name,
                             "order": order})
    if created:
        audit.record(actor, "create_agency", agency, comment=name)
    return agency


@transaction.atomic
def create_staff_user(username: str, *, agency: Agency, full_name: str, roles: list[str], password: str,
                      covers_subordinates: bool = False, email: str = "", scope: Agency | None = None,
                      actor=None):
    """Create (or update) a staff user of `agency` holding `roles` in `scope` (default: the same agency)."""
    for r in roles:
        if r not in Role.values:
            raise DomainError(f"未知角色：{r}", field="roles")
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    user.first_name = full_name
    user.email = email
    user.is_staff = True
    if created or not user.has_usable_password():
        user.set_password(password)
    scope = scope or agency
    if Role.ADMINISTRATOR in roles:
        # An administrator of the root agency over every subordinate runs the whole platform.
        user.is_superuser = covers_subordinates and scope.parent_id is None
    user.save()
    StaffProfile.objects.update_or_create(user=user, defaults={"agency": agency})
    for r in roles:
        RoleGrant.objects.update_or_create(user=user, agency=scope, role=r,
                                           defaults={"covers_subordinates": covers_subordinates})
    if created:
        audit.record(actor, "create_staff_user", user, comment=f"{full_name} {','.join(roles)}")
    return user


@transaction.atomic
def set_combined_duties(actor, agency: Agency, allowed: bool, reason: str) -> Agency:
    """Allow or forbid one person doing several review steps of one revision in `agency` (audited)."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if actor is not None:
        require_role(actor, Role.ADMINISTRATOR, agency)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请说明调整“一事一审”设置的理由。", field="reason")
    if agency.combined_duties_allowed == allowed:
        return agency
    agency.combined_duties_allowed = allowed
    agency.save(update_fields=["combined_duties_allowed"])
    audit.record(actor, "allow_combined_duties" if allowed else "forbid_combined_duties", agency,
                 from_state="允许兼任" if not allowed else "不允许兼任",
                 to_state="允许兼任" if allowed else "不允许兼任", comment=reason)
    return agency
