"""The tasks of the work plan (工作要点), declared for the engine in gongkai.core.workflow.

pending → in_progress → reported → confirmed, with a return from reported back to in_progress. The owner
agency's disclosure office starts a task and reports it done with evidence; the general office (access.py)
confirms or returns it. Reporting and confirming are two steps that two different people take.
"""

from __future__ import annotations

from gongkai.assessment.access import OFFICE_ROLES, office_agencies
from gongkai.assessment.rules import TaskState
from gongkai.core.errors import PermissionDenied
from gongkai.core.workflow import Transition, Workflow
from gongkai.orgs.permissions import require_any_role
from gongkai.orgs.roles import Role

# The owner agency's disclosure office carries out the task (it runs the agency's 政务公开 work).
HANDLERS = (Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD)
DUTIES = {"report": "报完成", "confirm": "确认"}


def authorize(actor, roles: tuple[str, ...], agency) -> None:
    """Owner-agency moves need a handler role there; confirming and returning need the general office over it."""
    if tuple(roles) == OFFICE_ROLES:
        if agency not in office_agencies(actor):
            raise PermissionDenied(f"“{agency.name}”的工作要点任务由本级政府办公室（政务公开主管部门）确认或退回。")
        return
    require_any_role(actor, roles, agency)


def _task_key(task) -> str:
    return f"assessment.worktask:{task.pk}" if task.pk else ""


P, IP, R, C = TaskState.PENDING, TaskState.IN_PROGRESS, TaskState.REPORTED, TaskState.CONFIRMED

TASK = Workflow(
    name="assessment.workplan",
    states=TaskState,
    scope=lambda task: task.agency,
    authorize=authorize,
    duties=DUTIES,
    duty_subject=_task_key,
    duties_relaxed=lambda task: task.agency.combined_duties_allowed,
    subject_label="本任务",
    comment_message="退回时请填写理由。",
    object_label="任务",
    transitions=(
        Transition("start_task", "开始办理", (P,), IP, HANDLERS, order=10),
        # Reached through the report form, which carries the evidence.
        Transition("report_task", "报完成", (P, IP), R, HANDLERS, duty="report", offered=False, order=20),
        Transition("confirm_task", "确认完成", (R,), C, OFFICE_ROLES, duty="confirm", order=10),
        Transition("return_task", "退回", (R,), IP, OFFICE_ROLES, needs_comment=True, duty="confirm",
                   offered=False, order=20),
    ),
)
