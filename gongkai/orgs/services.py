"""Write path for agencies and staff."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.orgs.models import Agency, AgencyKind, RoleGrant, StaffProfile
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
