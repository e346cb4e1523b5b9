"""The write path of disclosure on application: every change to a case goes through a function here.

Each service takes one move of the case workflow (gongkai.disclosure.states.CASE: state, role, guard,
separation of duties, audit), validates, runs in one transaction, writes a case event (public ones form the
applicant's timeline), recomputes the reply due date from the stored facts and says in the history when that
date moved — a deadline never changes silently. The package is split by concern:

- intake: the application as given (《条例》第二十九条), case numbers, date of receipt (第三十一条)
- clock: the due date from the facts, and its recomputation when the holiday table changes
- handling: accepting, correction, consultations, extension, fees
- decision: the decision, the reply letter (rendered outside the transaction), delivery, filing
- remedies: administrative review and litigation
- privacy: masked and audited access to the applicant's details
- proactive: 依申请转主动公开
- migration: historical cases from an old system
- record_correction: requests to correct one's own records (第四十一条) and help for applicants (第四十三条)
"""

from gongkai.disclosure.services.clock import deadline_for, recompute_open_cases
from gongkai.disclosure.services.common import SYSTEM, handles
from gongkai.disclosure.services.decision import (
    close_application,
    decide_application,
    edit_released,
    generate_letter,
)
from gongkai.disclosure.services.delivery import (
    deliver_reply,
    email_reply,
    post_reply,
    publish_reply,
    record_download,
    reply_available,
)
from gongkai.disclosure.services.handling import (
    accept_application,
    add_note,
    approve_extension,
    ask_bulk_reason,
    assign_application,
    defer_reply,
    end_consultation,
    issue_fee_notice,
    nth_application_in_month,
    receive_correction,
    record_fee_notice_receipt,
    record_payment,
    refuse_extension,
    request_correction,
    request_extension,
    split_request,
    start_consultation,
)
from gongkai.disclosure.services.intake import (
    FIELD_LABELS,
    ApplicantData,
    register_application,
    submit_application,
)
from gongkai.disclosure.services.migration import HistoricalCase, RemedyRecord, import_application
from gongkai.disclosure.services.privacy import masked_applicant, view_applicant
from gongkai.disclosure.services.proactive import convert_to_proactive
from gongkai.disclosure.services.record_correction import (
    AssistanceData,
    EvidenceFile,
    RecordCorrectionData,
    applicant_assistance_text,
    decide_record_correction,
    record_assistance,
)
from gongkai.disclosure.services.recovery import recover_access_token
from gongkai.disclosure.services.released import ReleasedFile
from gongkai.disclosure.services.remedies import record_litigation, record_review, update_remedy

__all__ = [
    "FIELD_LABELS", "SYSTEM", "ApplicantData", "HistoricalCase", "RemedyRecord", "accept_application", "add_note",
    "approve_extension", "assign_application", "close_application", "convert_to_proactive", "deadline_for",
    "ReleasedFile", "decide_application", "deliver_reply", "edit_released", "email_reply", "end_consultation", "generate_letter", "handles", "import_application",
    "issue_fee_notice", "masked_applicant", "post_reply", "publish_reply", "record_download", "recover_access_token",
    "reply_available", "nth_application_in_month", "receive_correction", "record_fee_notice_receipt", "ask_bulk_reason", "defer_reply", "split_request",
    "recompute_open_cases", "record_litigation", "record_payment", "record_review", "refuse_extension",
    "register_application", "request_correction", "request_extension", "start_consultation",
    "submit_application", "update_remedy", "view_applicant",
    # 《条例》第四十一条、第四十三条
    "AssistanceData", "EvidenceFile", "RecordCorrectionData", "applicant_assistance_text",
    "decide_record_correction", "record_assistance",
]
