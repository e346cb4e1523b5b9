"""How a person is named on a page: their full name, else their username, else 系统 for the platform itself."""

from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """`{{ revision.created_by|person }}`: never fails on a missing user (an import, the scheduler)."""
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()
