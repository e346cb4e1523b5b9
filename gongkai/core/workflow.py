"""The one workflow engine: transitions declared as data, checked and applied the same way for every app.

An app declares a `Workflow` over one state field of one model: its transitions (name, label, sources, target,
roles, guard, whether a comment is needed, the review step they count as), how to find the agency whose roles
apply, and how to check a role. Services call `apply()` for every state change; views call `available()` to
offer only what the user may do now (`available_for()` for a list page's objects at once, in as many queries
for 50 rows as for 8), and `check()` to explain a refusal. Every applied transition is audited.

Separation of duties (一事一审): a transition may name the review step (`duty`) it performs on a subject (for
publishing, the revision under review). One person may perform only one step on one subject, whatever roles
they hold — superusers included — unless the agency has relaxed the rule through its audited setting. A move
that writes a new subject (`new_subject`: saving a new revision) performs its step on that new subject, so what
the actor did on the previous one does not count against it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from gongkai.core import audit
from gongkai.core.errors import DomainError, IllegalTransition, PermissionDenied
from gongkai.core.models import AuditEntry

# The state of an object that does not exist yet: a transition from NEW creates it.
NEW = ""
# The longest comment (意见, 退回理由) a transition records: a page of text, far above what any form asks for.
MAX_COMMENT = 2000
# The actor recorded for moves made by the platform itself (intake, the scheduler, importers).
SYSTEM = None

Guard = Callable[[Any], str | None]


@dataclass(frozen=True)
class Transition:
    """One move of a workflow. `target=None` keeps the state (or the service names it: see `apply`)."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None = None
    roles: tuple[str, ...] = ()  # any one of these roles in the object's agency; () = only the system
    system: bool = False  # the platform itself may also make this move (importers, intake, scheduler)
    guard: Guard | None = None  # a Chinese refusal when the move does not fit the object now, else None
    needs_comment: bool = False
    duty: str = ""  # the review step this move performs (separation of duties); "" = not a review step
    new_subject: bool = False  # the move writes the subject its duty is performed on (e.g. a new revision)
    offered: bool = True  # shown as an action on the object's page (False: reached another way, e.g. a form)
    order: int = 100  # lower comes first among the actions offered: what usually comes next
    # What the history shows as from → to when the move changes something beside the state field
    # (withdrawal leaves the review state alone but takes the public version down).
    audit_states: tuple[str, str] | None = None

    @property
    def manual(self) -> bool:
        return bool(self.roles)


Authorize = Callable[[Any, tuple[str, ...], Any], None]


@dataclass
class Workflow:
    """A set of transitions over `state_field` of `model`, with the rules every move must pass."""

    name: str
    states: type[models.TextChoices]
    transitions: Iterable[Transition]
    scope: Callable[[Any], Any]  # the object → the agency whose roles apply
    authorize: Authorize  # raises PermissionDenied unless the actor holds one of the roles in the agency
    state_field: str = "state"
    duties: dict[str, str] = field(default_factory=dict)  # duty name → Chinese label
    duty_subject: Callable[[Any], str] | None = None  # the object → the key of what the duties are about
    duties_relaxed: Callable[[Any], bool] = lambda obj: False
    subject_label: str = "本事项"  # how refusals name the subject, e.g. “本版本”
    comment_message: str = "请填写意见。"  # when a transition that needs a comment has none
    duty_rule: str = "一事一审"  # the name refusals give the separation-of-duties rule
    object_label: str = ""  # how a refusal names the object, e.g. “申请” → “申请当前状态为……”

    def __post_init__(self) -> None:
        self.transitions = {t.name: t for t in self.transitions}
        for t in self.transitions.values():
            if t.duty and t.duty not in self.duties:
                raise ValueError(f"{self.name}: transition {t.name} names an undeclared duty {t.duty}")

    # -- reading ----------------------------------------------------------------------------------------

    def state_of(self, obj: Any) -> str:
        return getattr(obj, self.state_field) if obj.pk is not None else NEW

    def state_label(self, value: str) -> str:
        return self.states(value).label if value in self.states.values else (value or "新建")

    def transition(self, name: str) -> Transition:
        found = self.transitions.get(name)
        if found is None:
            raise IllegalTransition(f"未知的操作：{name}")
        return found

    def check(self, actor: Any, obj: Any, name: str) -> Transition:
        """The transition if `actor` may take it on `obj` now; otherwise raise with a Chinese reason."""
        return self._check(actor, obj, self.transition(name))

    def _check(self, actor: Any, obj: Any, transition: Transition, reading: _Reading | None = None,
               guards: Mapping[str, Guard] | None = None) -> Transition:
        """check(), reading roles and review steps through `reading` (a page's at once: available_for) and taking a
        guard of `guards` for the declared one of the transitions it names."""
        if actor is not SYSTEM and not transition.roles:
            raise PermissionDenied(f"“{transition.label}”由系统自动执行，不能手动操作。")
        if actor is SYSTEM and not transition.system:
            raise PermissionDenied(f"“{transition.label}”须由工作人员办理。")
        state = self.state_of(obj)
        if state not in transition.sources:
            raise IllegalTransition(
                f"{self.object_label}当前状态为“{self.state_label(state)}”，不能执行“{transition.label}”。")
        if actor is not SYSTEM:
            (reading.authorize if reading is not None else self.authorize)(actor, transition.roles, self.scope(obj))
        guard = guards[transition.name] if guards is not None and transition.name in guards else transition.guard
        if guard is not None:
            refusal = guard(obj)
            if refusal:
                raise DomainError(refusal)
        self._check_duties(actor, obj, transition, reading)
        return transition

    def allows(self, actor: Any, obj: Any, name: str) -> bool:
        try:
            self.check(actor, obj, name)
        except DomainError:
            return False
        return True

    def available(self, actor: Any, obj: Any) -> list[Transition]:
        """The offered transitions `actor` may take on `obj` now, in the order they usually come."""
        return sorted((t for t in self.transitions.values() if t.offered and t.manual
                       and self.allows(actor, obj, t.name)), key=lambda t: (t.order, t.label))

    def available_for(self, actor: Any, objs: Sequence[Any],
                      guards: Mapping[str, Guard] | None = None) -> list[list[Transition]]:
        """available() of each of `objs`, in their order, with the same answers, read for all of them at once (a
        list page): the roles once per set of roles and scope agency, the review steps `actor` performed in one query
        for every object's subject. `guards` (transition name → guard) stand in for the declared guards of those
        transitions, for a caller that has read what they read for all the objects already; each must refuse exactly
        where the declared one would."""
        reading = _Reading(self, actor, objs)
        return [sorted((t for t in self.transitions.values() if t.offered and t.manual
                        and self._allows(actor, obj, t, reading, guards)), key=lambda t: (t.order, t.label))
                for obj in objs]

    def _allows(self, actor: Any, obj: Any, transition: Transition, reading: _Reading,
                guards: Mapping[str, Guard] | None) -> bool:
        try:
            self._check(actor, obj, transition, reading, guards)
        except DomainError:
            return False
        return True

    def duty_refusal(self, actor: Any, obj: Any) -> str | None:
        """Why `actor` is offered no step they would otherwise hold the role for: separation of duties, or None.

        Lets a page say “you drafted this version, so someone else reviews it” instead of showing nothing."""
        return self._duty_refusal(actor, obj)

    def duty_refusals_for(self, actor: Any, objs: Sequence[Any]) -> list[str | None]:
        """duty_refusal() of each of `objs`, in their order, read for all of them at once (see available_for)."""
        reading = _Reading(self, actor, objs)
        return [self._duty_refusal(actor, obj, reading) for obj in objs]

    def _duty_refusal(self, actor: Any, obj: Any, reading: _Reading | None = None) -> str | None:
        for t in self.transitions.values():
            if not (t.offered and t.manual and t.duty) or self.state_of(obj) not in t.sources:
                continue
            try:
                (reading.authorize if reading is not None else self.authorize)(actor, t.roles, self.scope(obj))
            except PermissionDenied:
                continue  # not their role at all: nothing to explain
            try:
                self._check_duties(actor, obj, t, reading)
            except PermissionDenied as exc:
                return exc.message
        return None

    # -- separation of duties -------------------------------------------------------------------------------

    def subject_key(self, obj: Any) -> str:
        return self.duty_subject(obj) if self.duty_subject is not None else ""

    def duties_done(self, actor: Any, obj: Any) -> set[str]:
        """The review steps `actor` has already performed on the current subject of `obj`."""
        key = self.subject_key(obj)
        if not key or getattr(actor, "pk", None) is None:
            return set()
        return self.duties_by_subject(actor, [key]).get(key, set())

    def duties_by_subject(self, actor: Any, keys: Iterable[str]) -> dict[str, set[str]]:
        """The review steps `actor` performed on each of these subjects (keyed as subject_key), in one query."""
        done: dict[str, set[str]] = {}
        for subject, duty in (AuditEntry.objects.filter(duty_subject__in=list(keys), actor=actor).exclude(duty="")
                              .values_list("duty_subject", "duty")):
            done.setdefault(subject, set()).add(duty)
        return done

    def _other_duties(self, actor: Any, obj: Any, transition: Transition, reading: _Reading | None = None) -> set[str]:
        # Before a new subject is written, subject_key() still names the previous one: nothing is done on the new.
        if not transition.duty or transition.new_subject:
            return set()
        done = reading.duties_done(obj) if reading is not None else self.duties_done(actor, obj)
        return done - {transition.duty}

    def _check_duties(self, actor: Any, obj: Any, transition: Transition, reading: _Reading | None = None) -> None:
        others = self._other_duties(actor, obj, transition, reading)
        if others and not self.duties_relaxed(obj):
            done = "、".join(f"“{self.duties[d]}”" for d in sorted(others, key=list(self.duties).index))
            raise PermissionDenied(
                f"{self.duty_rule}：您已对{self.subject_label}办理过{done}，不能再办理“{self.duties[transition.duty]}”。"
                f"{'、'.join(self.duties.values())}须由不同的人员完成。")

    # -- writing ----------------------------------------------------------------------------------------------

    def apply(self, actor: Any, obj: Any, name: str, *, comment: str = "", target: str | None = None,
              save: bool = True, **data: Any) -> Transition:
        """Check and take the transition: set the new state, save the object and write the audit entry.

        `target` overrides the declared target where the outcome depends on the object (e.g. sign-off of a
        withheld revision files it instead of readying it). Call inside the service's transaction."""
        return self.commit(actor, obj, self.check(actor, obj, name), comment=comment, target=target, save=save,
                           **data)

    def commit(self, actor: Any, obj: Any, transition: Transition, *, from_state: str | None = None,
               comment: str = "", target: str | None = None, save: bool = True, **data: Any) -> Transition:
        """The second half of apply(), for a service that checks first, does its work, then records the move
        (creating an object: check on the unsaved object, save it, then commit with from_state=NEW)."""
        if transition.needs_comment and not (comment or "").strip():
            raise DomainError(self.comment_message, field="comment")
        if len(comment or "") > MAX_COMMENT:
            # The pages limit what is typed; a hand-made request wrote 100,000 characters into the audit log.
            raise DomainError(f"意见不能超过 {MAX_COMMENT} 个字（现有 {len(comment)} 个字）。", field="comment")
        previous = self.state_of(obj) if from_state is None else from_state
        new = target or transition.target or previous
        if new not in self.states.values:
            raise ValueError(f"{self.name}: {new!r} is not a state")
        combined = self._other_duties(actor, obj, transition)
        setattr(obj, self.state_field, new)
        if save:
            obj.save()
        if combined:
            # Allowed only because the agency relaxed the rule: the entry says so.
            data["combined_duties"] = sorted(combined, key=list(self.duties).index)
        shown_from, shown_to = transition.audit_states or (previous, new)
        audit.record(actor, transition.name, obj, from_state=shown_from, to_state=shown_to, comment=comment,
                     duty=transition.duty, duty_subject=self.subject_key(obj) if transition.duty else "", **data)
        return transition

    def labels(self) -> dict[str, str]:
        """Audit action name → Chinese label, for histories."""
        return {t.name: t.label for t in self.transitions.values()}


class _Reading:
    """What the rules read about one actor, read once for many objects (Workflow.available_for): whether they hold
    a set of roles in an agency, remembered per roles and agency; the review steps they performed on the objects'
    subjects, in one query the first time one is asked for. Answers as Workflow.authorize and duties_done do."""

    def __init__(self, workflow: Workflow, actor: Any, objs: Sequence[Any]):
        self.workflow, self.actor, self.objs = workflow, actor, objs
        self._refusals: dict[tuple, PermissionDenied | None] = {}
        self._done: dict[str, set[str]] | None = None
        self._read: set[str] = set()

    def authorize(self, actor: Any, roles: tuple[str, ...], scope: Any) -> None:
        pk = getattr(scope, "pk", None)
        key = (roles, type(scope), pk if pk is not None else id(scope))
        if key not in self._refusals:
            try:
                self.workflow.authorize(actor, roles, scope)
                self._refusals[key] = None
            except PermissionDenied as exc:
                self._refusals[key] = exc
        refusal = self._refusals[key]
        if refusal is not None:
            raise refusal

    def duties_done(self, obj: Any) -> set[str]:
        key = self.workflow.subject_key(obj)
        if not key or getattr(self.actor, "pk", None) is None:
            return set()
        if self._done is None:
            self._read = {self.workflow.subject_key(o) for o in self.objs} - {""}
            self._done = self.workflow.duties_by_subject(self.actor, self._read)
        if key not in self._read:
            # An object whose subject was not among those read at once: read as duties_done does.
            return self.workflow.duties_done(self.actor, obj)
        return set(self._done.get(key, ()))
