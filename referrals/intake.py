"""Intake and the life of a referral: received → accepted → active → ended, and plan changes.

Writes only; each function validates (`full_clean`) inside one transaction.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from scheduling.models import ContactSession, SessionWorker
from staffing.models import Worker

from .models import Child, ContactPlan, ContactPlanSlot, Referral, SiblingGroup
from .validators import validate_overseen_venues, validate_slot_fits_service_hours

# Sessions not yet held, which ending a referral or changing its plan may still stop.
NOT_YET_HELD = [
    ContactSession.Status.PROPOSED,
    ContactSession.Status.AWAITING_APPROVAL,
    ContactSession.Status.BOOKED,
]
PLAN_M2M = [
    "venues",
    "room_features",
    "worker_skills",
    "continuity_workers",
    "excluded_workers",
]


def _next_reference(prefix: str, model) -> str:
    """The next free `PREFIX-0001`-style reference."""
    taken = set(
        model.objects.filter(reference__startswith=f"{prefix}-").values_list("reference", flat=True)
    )
    number = len(taken) + 1
    while f"{prefix}-{number:04d}" in taken:
        number += 1
    return f"{prefix}-{number:04d}"


def sibling_group_join(*, children: Sequence[Child]) -> SiblingGroup | None:
    """Put children referred together in one sibling group (reusing one they already share)."""
    if len(children) < 2:
        return None
    existing = [child.sibling_group for child in children if child.sibling_group_id]
    group = existing[0] if existing else None
    if group is None:
        group = SiblingGroup(reference=_next_reference("SG", SiblingGroup))
        group.full_clean()
        group.save()
    for child in children:
        if child.sibling_group_id != group.pk:
            child.sibling_group = group
            child.save(update_fields=["sibling_group"])
    return group


def _set_m2m(plan: ContactPlan, values: dict[str, Any]) -> None:
    for name in PLAN_M2M:
        if name in values and values[name] is not None:
            getattr(plan, name).set(values[name])


def _save_slots(plan: ContactPlan, slots: Iterable[dict[str, Any]]) -> list[ContactPlanSlot]:
    saved = []
    for data in slots:
        slot = ContactPlanSlot(plan=plan, **data)
        slot.full_clean()
        slot.save()
        saved.append(slot)
    if not saved:
        raise ValidationError("A contact plan needs at least one day and time window.")
    return saved


def contact_plan_create(
    *, referral: Referral, plan_fields: dict[str, Any], slots: Iterable[dict[str, Any]]
) -> ContactPlan:
    """A plan with its slots; `plan_fields` may carry the many-to-many values (venues…)."""
    fields = {k: v for k, v in plan_fields.items() if k not in PLAN_M2M}
    plan = ContactPlan(referral=referral, **fields)
    plan.full_clean()
    validate_overseen_venues(mode=plan.mode, venues=plan_fields.get("venues") or [])
    plan.save()
    _set_m2m(plan, plan_fields)
    _save_slots(plan, slots)
    return plan


@transaction.atomic
def referral_create(
    *,
    referral_fields: dict[str, Any],
    children: Sequence[Child] = (),
    new_children: Iterable[dict[str, Any]] = (),
    plan_fields: dict[str, Any],
    slots: Iterable[dict[str, Any]],
) -> Referral:
    """A received referral for existing and/or new children (as a sibling group) with its plan."""
    created = []
    for data in new_children:
        child = Child(**data)
        child.full_clean()
        child.save()
        created.append(child)
    everyone = [*children, *created]
    if not everyone:
        raise ValidationError("A referral needs at least one child.")
    fields = dict(referral_fields)
    if not fields.get("reference"):
        fields["reference"] = _next_reference("REF", Referral)
    fields.setdefault("status", Referral.Status.RECEIVED)
    referral = Referral(**fields)
    referral.full_clean()
    referral.save()
    referral.children.set(everyone)
    sibling_group_join(children=everyone)
    contact_plan_create(referral=referral, plan_fields=plan_fields, slots=slots)
    return referral


def _require_status(referral: Referral, *allowed: str, doing: str) -> None:
    if referral.status not in allowed:
        raise ValidationError(
            f"{referral} is {referral.get_status_display().lower()}; it cannot be {doing}."
        )


def current_plan(referral: Referral, *, on: dt.date | None = None) -> ContactPlan | None:
    """The plan in force on a day, or the latest plan when no day is given."""
    plans = referral.plans.order_by("-starts_on", "-pk")
    if on is not None:
        plans = plans.filter(starts_on__lte=on).exclude(ends_on__lt=on)
    return plans.first()


@transaction.atomic
def referral_accept(*, referral: Referral, continuity_workers: Iterable[Worker] = ()) -> Referral:
    """A team leader accepts the referral and allocates the workers the family will see."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require_status(referral, Referral.Status.RECEIVED, doing="accepted")
    plan = current_plan(referral)
    if plan is None:
        raise ValidationError(f"{referral} has no contact plan to accept.")
    workers = list(continuity_workers)
    excluded = set(plan.excluded_workers.values_list("pk", flat=True))
    clash = [w.name for w in workers if w.pk in excluded]
    if clash:
        raise ValidationError(
            f"{', '.join(clash)} must never supervise this family and cannot be allocated."
        )
    plan.continuity_workers.add(*workers)
    referral.status = Referral.Status.ACCEPTED
    referral.save(update_fields=["status"])
    return referral


@transaction.atomic
def referral_activate(*, referral: Referral) -> Referral:
    """An accepted referral's sessions are planned each week from now on."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require_status(referral, Referral.Status.ACCEPTED, doing="made active")
    referral.status = Referral.Status.ACTIVE
    referral.save(update_fields=["status"])
    return referral


def _stop_sessions(sessions: QuerySet[ContactSession], *, note: str) -> int:
    """Cancel sessions not yet held and free their workers' time; held ones are untouched."""
    stopped = list(sessions.filter(status__in=NOT_YET_HELD).select_for_update())
    for session in stopped:
        session.status = ContactSession.Status.CANCELLED
        session.cancel_reason = ContactSession.CancelReason.COURT_ORDER
        session.cancel_note = note
        session.version += 1
        session.save(update_fields=["status", "cancel_reason", "cancel_note", "version"])
    # Saved one by one rather than with update(), so the audit trail sees each change.
    for staff in SessionWorker.objects.filter(session__in=stopped, holds_time=True):
        staff.holds_time = False
        staff.save(update_fields=["holds_time"])
    return len(stopped)


@transaction.atomic
def referral_end(*, referral: Referral, last_day: dt.date, note: str = "plan ended") -> Referral:
    """End a referral after `last_day`: its plans stop then and later sessions are cancelled.

    Sessions on or before `last_day` are kept whatever their state, since they may have been
    held and their records are evidence.
    """
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status == Referral.Status.ENDED:
        return referral
    for plan in referral.plans.all():
        if plan.starts_on > last_day:
            # A plan that never started still ends; it ends the day it would have begun.
            if plan.ends_on != plan.starts_on:
                plan.ends_on = plan.starts_on
                plan.save(update_fields=["ends_on"])
        elif plan.ends_on is None or plan.ends_on > last_day:
            plan.ends_on = last_day
            plan.save(update_fields=["ends_on"])
    _stop_sessions(
        ContactSession.objects.filter(plan__referral=referral, day__gt=last_day), note=note
    )
    referral.status = Referral.Status.ENDED
    referral.save(update_fields=["status"])
    return referral


def referrals_end_expired(*, today: dt.date) -> list[Referral]:
    """End referrals whose time-limited plans have all run out before `today`."""
    ended = []
    candidates = Referral.objects.exclude(status=Referral.Status.ENDED).prefetch_related("plans")
    for referral in candidates:
        plans = list(referral.plans.all())
        if not plans or any(plan.ends_on is None for plan in plans):
            continue
        last_day = max(plan.ends_on for plan in plans)
        if last_day < today:
            ended.append(referral_end(referral=referral, last_day=last_day))
    return ended


@transaction.atomic
def contact_plan_change(
    *,
    plan: ContactPlan,
    from_day: dt.date,
    plan_fields: dict[str, Any],
    slots: Iterable[dict[str, Any]],
) -> ContactPlan:
    """A new plan from `from_day`; the old one ends the day before.

    Sessions already held stay with the old plan as they were; the old plan's sessions not
    yet held from `from_day` on are cancelled, so the next weekly planning makes them anew
    from the new plan.
    """
    plan = ContactPlan.objects.select_for_update().get(pk=plan.pk)
    if from_day <= plan.starts_on:
        raise ValidationError(
            {"starts_on": f"A change must start after the plan began ({plan.starts_on:%d %b %Y})."}
        )
    if plan.ends_on and from_day > plan.ends_on:
        raise ValidationError({"starts_on": f"The plan already ended on {plan.ends_on:%d %b %Y}."})
    if plan.referral.status == Referral.Status.ENDED:
        raise ValidationError("The referral has ended; its plan cannot change.")
    fields = dict(plan_fields)
    fields["starts_on"] = from_day
    fields.setdefault("ends_on", plan.ends_on)
    for name in PLAN_M2M:
        # What the change does not mention carries over, continuity above all.
        if fields.get(name) is None:
            fields[name] = list(getattr(plan, name).all())
    plan.ends_on = from_day - dt.timedelta(days=1)
    plan.full_clean()
    plan.save(update_fields=["ends_on"])
    new_plan = contact_plan_create(referral=plan.referral, plan_fields=fields, slots=slots)
    _stop_sessions(ContactSession.objects.filter(plan=plan, day__gte=from_day), note="plan changed")
    return new_plan


def plan_fields_of(plan: ContactPlan) -> dict[str, Any]:
    """A plan's own values, to start a change from."""
    names = [
        "attendees",
        "participants",
        "every_weeks",
        "duration_minutes",
        "mode",
        "workers_needed",
        "transport",
        "transport_before_minutes",
        "transport_after_minutes",
        "starts_on",
        "ends_on",
        "shared_notes",
    ]
    values = {name: getattr(plan, name) for name in names}
    for name in PLAN_M2M:
        values[name] = list(getattr(plan, name).all())
    return values


def slots_fit(*, duration_minutes: int, slots: Iterable[dict[str, Any]]) -> None:
    """Every window must let a session of this length end by closing time."""
    for data in slots:
        validate_slot_fits_service_hours(
            latest_start=data["latest_start"], duration_minutes=duration_minutes
        )
