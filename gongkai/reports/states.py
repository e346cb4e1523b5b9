"""The release of the annual report, declared for the engine in gongkai.core.workflow.

drafted → reviewed → released, with a return to the drafter (returned) from either step. Drafting freezes the
computed report and the narratives into the report's snapshot, so the reviewer reviews exactly what is released
and what is released never changes afterwards. A correction is a new revision: drafted, reviewed and released
again; the public sees the latest released revision. Three different people draft, review and release (一事一审);
the review is the head of the disclosure office's (政府信息公开工作机构负责人审定).
"""

from __future__ import annotations

from django.db import models

from gongkai.core.workflow import NEW, Transition
from gongkai.orgs.roles import Role
from gongkai.orgs.workflows import agency_workflow


class ReportState(models.TextChoices):
    DRAFTED = "drafted", "待审核"
    REVIEWED = "reviewed", "待发布"
    RELEASED = "released", "已发布"
    RETURNED = "returned", "已退回"


# A revision under way: at most one per agency, year and scope.
OPEN_STATES = (ReportState.DRAFTED, ReportState.REVIEWED)
# The disclosure office prepares and releases its report (《条例》第四十九条); the head of the office approves it
# (审定) before it goes public: an ordinary clerk may draft or release, never review. With one-person-one-step the
# head who approved cannot also release, so a report always passes a clerk, the head and a second person.
HANDLERS = (Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD)
REVIEWERS = (Role.DISCLOSURE_HEAD,)
DUTIES = {"draft": "起草", "review": "审核", "release": "发布"}


def _no_open_revision(report) -> str | None:
    from gongkai.reports.models import AnnualReport

    if AnnualReport.objects.filter(agency=report.agency, year=report.year, aggregate=report.aggregate,
                                   state__in=OPEN_STATES).exists():
        return "本年度报告已有待审核或待发布的版本，请先办结或退回该版本。"
    return None


def _identity_holds(report) -> str | None:
    # Table 3 must add up (new + carried over = processed + carried forward) before the report goes public.
    broken = report.snapshot.get("identity_violations") or []
    if broken:
        return (f"表三勾稽关系不成立（涉及 {len(broken)} 件申请，见年度报告页），不能审核通过；"
                "请核对数据后退回，重新生成报告。")
    return None


def _report_key(report) -> str:
    return f"reports.annual:{report.pk}" if report.pk else ""


D, RV, RL, RT = ReportState.DRAFTED, ReportState.REVIEWED, ReportState.RELEASED, ReportState.RETURNED

RELEASE = agency_workflow(
    name="reports.annual",
    states=ReportState,
    duties=DUTIES,
    duty_subject=_report_key,
    duties_relaxed=lambda report: report.agency.combined_duties_allowed,
    subject_label="本年度报告的这一版本",
    comment_message="退回时请填写意见。",
    object_label="年度报告",
    transitions=(
        Transition("draft", "生成报告并提交审核", (NEW,), D, HANDLERS, guard=_no_open_revision, duty="draft",
                   new_subject=True, order=10),
        Transition("review", "审核通过", (D,), RV, REVIEWERS, guard=_identity_holds, duty="review", order=10),
        Transition("reject_review", "审核退回", (D,), RT, REVIEWERS, needs_comment=True, duty="review", order=20),
        Transition("release", "发布", (RV,), RL, HANDLERS, duty="release", order=10),
        Transition("reject_release", "发布退回", (RV,), RT, HANDLERS, needs_comment=True, duty="release",
                   order=20),
    ),
)
