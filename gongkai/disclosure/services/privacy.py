"""Applicants' personal data: masked everywhere, shown in full only to the handling agency's disclosure staff,
and every full view audited."""

from __future__ import annotations

from gongkai.core import audit
from gongkai.disclosure import privacy
from gongkai.disclosure.models import ApplicantType, Application
from gongkai.disclosure.services.common import require_handler


def view_applicant(actor, application: Application) -> dict[str, str]:
    """The applicant's full details for the handling agency's disclosure staff; every view is audited."""
    require_handler(actor, application.agency)
    audit.record(actor, "view_applicant", application)
    return {"name": application.name, "id_number": application.id_number, "phone": application.phone,
            "email": application.email, "address": application.address}


def masked_applicant(application: Application) -> dict[str, str]:
    organization = application.applicant_type == ApplicantType.LEGAL_PERSON
    return {"name": privacy.mask_name(application.name, organization),
            "id_number": privacy.mask_id(application.id_number), "phone": privacy.mask_phone(application.phone),
            "email": privacy.mask_email(application.email), "address": privacy.mask_address(application.address)}
