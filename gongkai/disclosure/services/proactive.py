"""依申请转主动公开: information released on application becomes a draft for proactive disclosure."""

from __future__ import annotations

from django.db import transaction

from gongkai.disclosure.models import Application
from gongkai.disclosure.services.common import event, locked, today
from gongkai.disclosure.states import CASE


@transaction.atomic
def convert_to_proactive(actor, application: Application, *, title: str, body: str, subject: str):
    """Turn information released on application into a draft for proactive disclosure (依申请转主动公开).

    The draft goes through the normal secrecy review, approval and sign-off before anyone can publish it."""
    from gongkai.publishing import services as publishing

    application = locked(application)
    transition = CASE.check(actor, application, "convert_to_proactive")
    data = publishing.DocumentData(title=title or "", body=body or "", body_format="text", subject=subject or "",
                                   doc_type="其他", formed_on=today(), tags=["依申请转主动公开"])
    document = publishing.draft_from_application(actor, application.agency, data, case_no=application.case_no)
    application.proactive_document = document
    if not application.subject:
        application.subject = data.subject
    CASE.commit(actor, application, transition, document=document.pk)
    event(application, actor, "converted", "申请公开的信息已转为主动公开草稿，经审查后将在政府网站公开。",
          document=document.pk)
    return document
