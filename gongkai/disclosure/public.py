"""What the applicant (and only the applicant) sees of a case: status and the public timeline, no personal data.

Every public channel — the tracking page and GET /api/v1/applications/{code} — builds its answer here, after
tracking code and access token both matched.
"""

from __future__ import annotations

from django.db.models import QuerySet

from gongkai.disclosure import privacy
from gongkai.disclosure.models import Application, CaseEvent, Clock
from gongkai.disclosure.rules import RecordCorrectionOutcome, RequestKind
from gongkai.disclosure.services.record_correction import applicant_assistance_text
from gongkai.disclosure.states import State

NOT_FOUND = "查询码或查询密码不正确，请核对后重试。"

STATUS_TEXT = {
    State.RECEIVED: "申请已收到，等待办理。",
    State.CORRECTION_REQUESTED: "需要您补正申请内容，请按补正告知的要求在期限内补正。",
    State.IN_PROGRESS: "正在办理。",
    State.DECIDED: "已作出答复，答复书正在送达。",
    State.DELIVERED: "答复书已送达。",
    State.CLOSED: "已办结。",
}


def find(tracking_code: str, token: str) -> Application | None:
    """The application whose code and token both match, else None (the caller cannot tell which was wrong)."""
    code = privacy.format_tracking_code(tracking_code)
    if not code or not token:
        return None
    application = Application.objects.select_related("agency").filter(tracking_code=code).first()
    if application is None:
        privacy.hash_token(token)  # spend the same work either way
        return None
    return application if privacy.token_matches(token, application.access_token_hash) else None


def timeline(application: Application) -> QuerySet[CaseEvent]:
    return application.events.filter(public=True).order_by("created_at", "id")


def status(application: Application) -> dict:
    """The public view of one case."""
    decision = application.decision_type
    return {
        "tracking_code": application.tracking_code,
        "case_no": application.case_no,
        "agency": {"code": application.agency.code, "name": application.agency.name},
        "status": application.state,
        "status_label": State(application.state).label,
        "status_text": STATUS_TEXT[State(application.state)],
        "received_on": application.received_on,
        "due_on": application.due_on,
        "due_confirmed": application.due_confirmed,
        "clock": application.clock,
        "clock_label": Clock(application.clock).label,
        "correction_due_on": application.correction_due_on
        if application.state == State.CORRECTION_REQUESTED else None,
        # What the office told the applicant to correct (《条例》第三十条): the notice itself, not only its deadline.
        "correction_items": application.correction_items
        if application.state == State.CORRECTION_REQUESTED else None,
        "decision": application.decision or None,
        "decision_label": decision.full_label if decision else None,
        "decided_on": application.decided_on,
        "timeline": [{"date": e.on, "text": e.message} for e in timeline(application)],
        **_record_correction(application),
        # 《条例》第四十三条: the help arranged, never the need behind it (health data stays with the staff).
        "assistance": applicant_assistance_text(application) or None,
    }


def _record_correction(application: Application) -> dict:
    """The kind of request and, for a correction request (《条例》第四十一条), its outcome."""
    record = getattr(application, "record_correction", None) if application.is_record_correction else None
    outcome = record.outcome if record is not None and record.outcome else None
    return {"request_kind": application.request_kind,
            "request_kind_label": RequestKind(application.request_kind).label,
            "record_correction_outcome": outcome,
            "record_correction_outcome_label": RecordCorrectionOutcome(outcome).label if outcome else None,
            "competent_agency": (record.competent_agency or None) if outcome else None}
