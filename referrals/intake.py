"""Intake and the life of a referral: received → accepted → active.

Ending a referral and changing its plan reach its sessions, so they are written above, in
`scheduling.services.plan_changes`.

Writes only; each function validates (`full_clean`) inside one transaction.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from staffing.models import Worker

from .models import Child, ContactPlan, ContactPlanSlot, Referral, SiblingGroup
from .validators import validate_overseen_venues, validate_slot_fits_service_hours

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
