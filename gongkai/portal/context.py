import re

from django.conf import settings

from gongkai.orgs.site import site_name


def _psb_link(number: str) -> str:
    """The 全国互联网安全管理服务平台 record page of a 公安机关备案号 (its digits are the record code)."""
    digits = "".join(re.findall(r"\d+", number))
    return f"https://beian.mps.gov.cn/#/query/webSearch?code={digits}" if digits else ""


def site(request):
    """Site-wide template values: the name, and the footer the national website norms ask for."""
    name = site_name()
    return {"site_name": name, "base_url": settings.GONGKAI_BASE_URL, "footer": {
        "sponsor": settings.GONGKAI_SITE_SPONSOR or name,
        "site_code": settings.GONGKAI_SITE_CODE,
        "icp": settings.GONGKAI_SITE_ICP,
        "psb": settings.GONGKAI_SITE_PSB,
        "psb_link": _psb_link(settings.GONGKAI_SITE_PSB),
        "conac_url": settings.GONGKAI_SITE_CONAC_URL,
        "contact": settings.GONGKAI_SITE_CONTACT,
        "email": settings.GONGKAI_SITE_EMAIL,
        "error_report_url": settings.GONGKAI_ERROR_REPORT_URL,
    }}
