"""Staff decisions about the public 热门搜索 and suggestions: pin a query, hide one, block a word.

Only the site's administrators decide (an administrator of the root agency, or a superuser): the hot list is
the whole portal's, not one department's. Every change is audited.
"""

from __future__ import annotations

from django.db import transaction

from gongkai.core import audit
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import has_role
from gongkai.orgs.roles import Role
from gongkai.search import text
from gongkai.search.models import HotRuleKind, HotSearchRule
from gongkai.search.searchlog import anonymise
from gongkai.search.services import clear_hot_cache

MAX_QUERY = 100


def may_manage(user) -> bool:
    """Whether `user` may pin, hide or block hot searches: an administrator of the root agency."""
    root = Agency.objects.filter(parent__isnull=True).order_by("order", "id").first()
    return root is not None and has_role(user, Role.ADMINISTRATOR, root)


def _forget() -> None:
    transaction.on_commit(clear_hot_cache)


def set_hot_rule(actor, query: str, kind: str, note: str = "") -> HotSearchRule:
    """Pin or hide `query`, or block every query containing it; raise DomainError (Chinese) for bad input."""
    if not may_manage(actor):
        raise PermissionDenied("只有门户网站的管理员可以设置热门搜索。")
    errors: dict[str, list[str]] = {}
    if kind not in HotRuleKind.values:
        errors["kind"] = ["请选择处理方式：置顶、隐藏或屏蔽词。"]
    # Stored as the search log stores queries, so a rule matches the query it names.
    value = anonymise(query) if kind != HotRuleKind.BLOCK else text.normalize(query)
    if not value:
        errors["query"] = ["请填写检索词。"]
    elif len(text.normalize(query)) > MAX_QUERY:
        errors["query"] = [f"检索词不能超过{MAX_QUERY}个字。"]
    if len(note) > 200:
        errors["note"] = ["说明不能超过200个字。"]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    with transaction.atomic():
        rule, created = HotSearchRule.objects.get_or_create(query=value, kind=kind,
                                                            defaults={"note": note, "created_by": actor})
        if not created:
            raise DomainError(f"“{value}”已经设为{rule.get_kind_display()}。",
                              errors={"query": [f"“{value}”已经设为{rule.get_kind_display()}。"]})
        if kind in (HotRuleKind.PIN, HotRuleKind.HIDE):
            # Pinned and hidden exclude each other: the newer decision replaces the older.
            other = HotRuleKind.HIDE if kind == HotRuleKind.PIN else HotRuleKind.PIN
            HotSearchRule.objects.filter(query=value, kind=other).delete()
        audit.record(actor, "hot_rule_set", rule, comment=note, query=value, kind=kind)
        _forget()
    return rule


def remove_hot_rule(actor, rule_id: int) -> None:
    """Take back a pin, hide or block decision."""
    if not may_manage(actor):
        raise PermissionDenied("只有门户网站的管理员可以设置热门搜索。")
    with transaction.atomic():
        rule = HotSearchRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise DomainError("该设置不存在或已被撤销。")
        audit.record(actor, "hot_rule_removed", rule, query=rule.query, kind=rule.kind)
        rule.delete()
        _forget()
