from django.conf import settings

from gongkai.orgs.site import site_name


def site(request):
    """Site-wide template values."""
    return {"site_name": site_name(), "base_url": settings.GONGKAI_BASE_URL}
