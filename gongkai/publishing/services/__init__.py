"""The write path of publishing: every change to a document goes through a function here.

Each service checks the actor's role within the document's agency through the publishing workflows
(gongkai.publishing.states), validates, runs in one transaction, writes the audit entry and returns the
object, or raises a DomainError with a Chinese message. Slow work on uploads happens before the transaction.

- documents: drafting (create, save a revision, a draft from a disclosure case), index numbers
- attachments: uploads staged outside the transaction, then linked
- review: secrecy review, approval, sign-off, publication, scheduling, withdrawal, import as published
- lifecycle: validity, and relations that amend or repeal (confirmed by the other agency)
"""

from gongkai.core.workflow import SYSTEM
from gongkai.publishing.services.attachments import add_attachment
from gongkai.publishing.services.documents import (
    DocumentData,
    allocate_index_no,
    check_editable,
    create_document,
    draft_from_application,
    save_revision,
    validate,
)
from gongkai.publishing.services.lifecycle import confirm_relation, decline_relation, set_validity
from gongkai.publishing.services.review import (
    approve_document,
    cancel_schedule,
    import_published,
    pass_secrecy_review,
    publish_document,
    publish_due_documents,
    reject_document,
    schedule_document,
    sign_off_document,
    submit_document,
    withdraw_document,
)

__all__ = [
    "SYSTEM", "DocumentData", "add_attachment", "allocate_index_no", "approve_document", "check_editable", "cancel_schedule",
    "confirm_relation", "create_document", "decline_relation", "draft_from_application", "import_published",
    "pass_secrecy_review", "publish_document", "publish_due_documents", "reject_document", "save_revision",
    "schedule_document", "set_validity", "sign_off_document", "submit_document", "validate",
    "withdraw_document",
]
