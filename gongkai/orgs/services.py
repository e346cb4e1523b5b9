"""Write path for agencies and staff."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from gongkai.core import audit
from gongkai.core.codes import credit_code_problem, normalise_code
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


# ---------------------------------------------------------------------------------------------------------------
# Setting up a fresh instance and importing agencies and staff from files (`gongkai setup`, `… import`)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# Letters and digits that cannot be mistaken for one another when read off a screen or a letter.
_PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# A 9-character organisation code (组织机构代码, GB 11714), the code agencies carried before 2015.
_ORGANISATION_CODE = re.compile(r"[0-9A-Z]{8}-?[0-9X]")


def new_password() -> str:
    """A random initial password such as `k7Qm-x3Rt-…` (16 characters, about 92 bits)."""
    from gongkai.orgs.passwords import NEEDED_CLASSES, classes_in

    while True:
        body = "".join(secrets.choice(_PASSWORD_CHARS) for _ in range(16))
        password = "-".join(body[i:i + 4] for i in range(0, 16, 4))
        # Almost always at once; the rare draw from one or two classes would fail the password policy.
        if classes_in(password) >= NEEDED_CLASSES + 1:
            return password


def _account(username: str):
    """The user of this name, locked, with None; or a new (unsaved) user with its initial password set."""
    User = get_user_model()
    user = User.objects.select_for_update().filter(username=username).first()
    if user is not None:
        return user, None
    user, password = User(username=username), new_password()
    user.set_password(password)
    return user, password


def _text(value: str | None, label: str, field: str, limit: int, *, required: bool = False) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if required and not value:
        raise DomainError(f"{label}不能为空。", field=field)
    if len(value) > limit:
        raise DomainError(f"{label}不能超过 {limit} 个字（现为 {len(value)} 个）。", field=field)
    return value


def check_new_agency_code(code: str) -> str:
    """The code of an agency not yet on the platform, as stored; DomainError unless it is a valid
    unified social credit code or a 9-character organisation code."""
    code = (code or "").strip().upper()
    if _ORGANISATION_CODE.fullmatch(code):
        return code
    problem = credit_code_problem(code)
    if problem:
        raise DomainError(f"机构代码“{code}”无效：统一社会信用代码{problem}（也可填写 9 位组织机构代码）。",
                          field="code")
    return normalise_code(code)


@dataclass
class AgencyData:
    """An agency as an import file or `gongkai setup` describes it.

    `parent` None makes it the root; any other field left None keeps what is stored (or the default)."""

    code: str
    name: str
    parent: Agency | None = None
    kind: str | None = None
    order: int | None = None
    short_name: str | None = None
    address: str | None = None
    phone: str | None = None


def _agency_values(data: AgencyData, existing: Agency | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": _text(data.name, "名称", "name", 100, required=True),
        "short_name": _text(data.short_name, "简称", "short_name", 50),
        "address": _text(data.address, "办公地址", "address", 200),
        "phone": _text(data.phone, "联系电话", "phone", 50),
        "parent": data.parent, "kind": data.kind, "order": data.order,
    }
    if data.kind is not None and data.kind not in AgencyKind.values:
        raise DomainError(f"未知的机关类型：{data.kind}", field="kind")
    if data.order is not None and not 0 <= data.order <= 999_999:
        raise DomainError("排序应为 0 至 999999 之间的整数。", field="order")
    defaults = {"short_name": "", "address": "", "phone": "", "order": 100,
                "kind": AgencyKind.GOVERNMENT if data.parent is None else AgencyKind.DEPARTMENT}
    for name, default in defaults.items():
        if values[name] is None:
            values[name] = getattr(existing, name) if existing else default
    return values


@transaction.atomic
def import_agency(data: AgencyData, *, actor=None) -> tuple[Agency, str]:
    """Create or update the agency with `data.code`; return it with "created", "updated" or "unchanged".

    An agency without a parent is the root: there is only one, and nothing may sit below itself."""
    code = (data.code or "").strip().upper()
    existing = Agency.objects.select_for_update().filter(code=code).first() if code else None
    if existing is None:
        code = check_new_agency_code(code)
        existing = Agency.objects.select_for_update().filter(code=code).first()
    values = _agency_values(data, existing)
    clash = Agency.objects.filter(name=values["name"]).exclude(code=code).first()
    if clash:
        raise DomainError(f"名称“{values['name']}”已被机构代码 {clash.code} 的机关使用。", field="name")
    parent = values["parent"]
    if parent is None:
        root = Agency.objects.filter(parent=None).exclude(code=code).order_by("order", "id").first()
        if root:
            raise DomainError(f"没有上级机构的机关是根机关，系统中已有根机关“{root.name}”（{root.code}）；"
                              f"请填写上级机构代码。", field="parent_code")
    elif existing is not None:
        parent = Agency.objects.get(pk=parent.pk)  # its chain as stored now, not as loaded earlier
        if parent.pk == existing.pk or existing.pk in {a.pk for a in parent.ancestors()}:
            raise DomainError(f"上级机构“{parent.name}”是本机关或其下级机关，会形成循环。", field="parent_code")
    if existing is not None:
        changed = {name: value for name, value in values.items() if getattr(existing, name) != value}
        if not changed:
            return existing, UNCHANGED
        before = {name: _plain(getattr(existing, name)) for name in changed}
        for name, value in changed.items():
            setattr(existing, name, value)
        existing.save()
        audit.record(actor, "update_agency", existing, comment=existing.name,
                     changes={name: [before[name], _plain(value)] for name, value in changed.items()})
        return existing, UPDATED
    agency = Agency.objects.create(code=code, **values)
    audit.record(actor, "create_agency", agency, comment=agency.name)
    return agency, CREATED


def _plain(value: Any) -> Any:
    """A field value as the audit log's JSON can hold it (an agency by its code)."""
    return value.code if isinstance(value, Agency) else value


@dataclass
class StaffData:
    """A staff user as an import file describes it: every role is held in `agency`.

    The roles are all the user holds afterwards; `email` and `title` left None keep what is stored."""

    username: str
    full_name: str
    agency: Agency
    roles: list[str]
    covers_subordinates: bool = False
    email: str | None = None
    title: str | None = None


@dataclass
class StaffImport:
    """The outcome of importing one staff user; `password` is a new user's initial password, to hand over once."""

    user: Any
    outcome: str
    password: str | None = None


def _check_username(username: str) -> str:
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise DomainError("用户名不能为空。", field="username")
    if len(username) > 150:
        raise DomainError("用户名不能超过 150 个字符。", field="username")
    try:
        User.username_validator(username)
    except ValidationError:
        raise DomainError(f"用户名“{username}”只能包含字母、数字、汉字和 @ . + - _。", field="username") from None
    return username


def _check_email(email: str | None) -> str | None:
    if email is None:
        return None
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(f"邮箱“{email}”格式不正确，例如 name@example.gov.cn。", field="email") from None
    return email


def _sync_staff(user, *, agency: Agency, scope: Agency, full_name: str | None, email: str | None,
                title: str | None, grants: dict[str, bool], superuser: bool, replace_grants: bool) -> list[str]:
    """Bring `user` (of `agency`) and its grants in `scope` to the values given; return what changed.

    `grants` maps role to covers_subordinates; with `replace_grants` every other grant is revoked."""
    changed: list[str] = []
    for name, value in (("first_name", full_name), ("email", email), ("is_staff", True),
                        ("is_superuser", superuser)):
        if value is not None and getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if changed or user.pk is None:
        user.save()
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None:
        StaffProfile.objects.create(user=user, agency=agency, title=title or "")
        changed.append("agency")
    elif profile.agency_id != agency.pk or (title is not None and profile.title != title):
        changed += ["agency"] if profile.agency_id != agency.pk else []
        changed += ["title"] if title is not None and profile.title != title else []
        profile.agency = agency
        profile.title = profile.title if title is None else title
        profile.save()
    stored = {(g.agency_id, g.role): g for g in RoleGrant.objects.filter(user=user)}
    wanted = {(scope.pk, role): covers for role, covers in grants.items()}
    for key, grant in stored.items():
        if key not in wanted and replace_grants:
            grant.delete()
            changed.append(f"-{grant.role}")
        elif key in wanted and grant.covers_subordinates != wanted[key]:
            grant.covers_subordinates = wanted[key]
            grant.save()
            changed.append(f"~{grant.role}")
    for (agency_id, role), covers in wanted.items():
        if (agency_id, role) not in stored:
            RoleGrant.objects.create(user=user, agency=scope, role=role, covers_subordinates=covers)
            changed.append(f"+{role}")
    return changed


@transaction.atomic
def import_staff_user(data: StaffData, *, actor=None) -> StaffImport:
    """Create or update one staff user; a new user gets a random password, an existing one keeps theirs."""
    username = _check_username(data.username)
    full_name = _text(data.full_name, "姓名", "name", 150, required=True)
    email = _check_email(data.email)
    title = _text(data.title, "职务", "title", 50)
    roles = list(dict.fromkeys(data.roles))
    if not roles:
        raise DomainError("至少要有一个角色。", field="roles")
    for role in roles:
        if role not in Role.values:
            raise DomainError(f"未知角色：{role}", field="roles")
    # The same rule as create_staff_user: the root's administrator over every subordinate runs the platform.
    superuser = Role.ADMINISTRATOR in roles and data.covers_subordinates and data.agency.parent_id is None
    User = get_user_model()
    user, password = _account(username)
    if password is None and user.is_superuser and not superuser and not User.objects.filter(
            is_superuser=True, is_active=True).exclude(pk=user.pk).exists():
        raise DomainError(f"“{username}”是系统中唯一的超级管理员，导入后将失去管理员权限；"
                          "请保留其在根机关“管理员”角色并设“含下级”为是。", field="roles")
    changed = _sync_staff(user, agency=data.agency, scope=data.agency, full_name=full_name, email=email, title=title,
                          grants=dict.fromkeys(roles, data.covers_subordinates), superuser=superuser,
                          replace_grants=True)
    if password is not None:
        audit.record(actor, "create_staff_user", user, comment=f"{full_name} {','.join(roles)}")
        return StaffImport(user, CREATED, password)
    if changed:
        audit.record(actor, "update_staff_user", user, comment=f"{full_name} {','.join(roles)}", changes=changed)
        return StaffImport(user, UPDATED)
    return StaffImport(user, UNCHANGED)


@dataclass
class SetupResult:
    """What `gongkai setup` did: the root agency and its administrator (with a new one's initial password)."""

    agency: Agency
    agency_outcome: str
    admin: Any
    admin_outcome: str
    password: str | None = None


@transaction.atomic
def set_up_instance(name: str, code: str, *, admin_username: str = "admin", admin_email: str = "",
                    actor=None) -> SetupResult:
    """Create or update the root agency and its administrator (a superuser); safe to run again.

    Running it again with the same code renames the root and keeps the administrator's password."""
    problem = credit_code_problem(code)
    if problem:
        raise DomainError(f"统一社会信用代码（--code）“{(code or '').strip()}”无效：{problem}。", field="code")
    code = normalise_code(code)
    if not (name or "").strip():
        raise DomainError("名称（--name）不能为空。", field="name")
    below = Agency.objects.filter(code=code, parent__isnull=False).select_related("parent").first()
    if below:
        raise DomainError(f"机构代码 {code} 已是“{below.parent.name}”的下级机关“{below.name}”，不能作为根机关。",
                          field="code")
    other_root = Agency.objects.filter(parent=None).exclude(code=code).order_by("order", "id").first()
    if other_root:
        raise DomainError(f"系统中已有根机关“{other_root.name}”（{other_root.code}），不能再以 {code} 创建另一个根机关。"
                          f"如需修改根机关名称，请用原来的统一社会信用代码 {other_root.code} 重新运行。", field="code")
    agency, agency_outcome = import_agency(AgencyData(code=code, name=name, kind=AgencyKind.GOVERNMENT),
                                           actor=actor)
    username = _check_username(admin_username)
    email = _check_email(admin_email) or None  # not given: keep the stored address
    admin, password = _account(username)
    # An existing administrator keeps the agency they belong to; the grant itself is always at the root.
    profile = StaffProfile.objects.filter(user=admin).select_related("agency").first() if admin.pk else None
    changed = _sync_staff(admin, agency=profile.agency if profile else agency, scope=agency,
                          full_name=None if admin.pk else "管理员", email=email, title=None,
                          grants={Role.ADMINISTRATOR: True}, superuser=True, replace_grants=False)
    if password is not None:
        audit.record(actor, "create_staff_user", admin, comment=f"管理员 {Role.ADMINISTRATOR}")
        return SetupResult(agency, agency_outcome, admin, CREATED, password)
    if changed:
        audit.record(actor, "update_staff_user", admin, comment=f"管理员 {Role.ADMINISTRATOR}", changes=changed)
    return SetupResult(agency, agency_outcome, admin, UPDATED if changed else UNCHANGED)
