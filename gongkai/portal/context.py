from django.conf import settings


def site(request):
    """Site-wide template values."""
    return {"site_name": settings.GONGKAI_SITE_NAME, "base_url": settings.GONGKAI_BASE_URL}
