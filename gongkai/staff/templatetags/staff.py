"""Template tags of the staff shell."""

from django import template

from gongkai.staff.registry import menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_menu(context) -> list:
    """The menu entries the signed-in user may see."""
    request = context.get("request")
    return menu_for(request.user) if request is not None else []
