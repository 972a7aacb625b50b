"""Ending a referral and changing its plan: the referral's side, and the sessions it stops.

Sessions already held are kept whatever happens to the plan; their records are evidence.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from referrals.intake import PLAN_M2M, contact_plan_create
from referrals.models import ContactPlan, Referral
from scheduling.models import ContactSession
from scheduling.services.cancellations import sessions_stop


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
    sessions_stop(
        sessions=ContactSession.objects.filter(plan__referral=referral, day__gt=last_day),
        reason=ContactSession.CancelReason.COURT_ORDER,
        note=note,
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
    sessions_stop(
        sessions=ContactSession.objects.filter(plan=plan, day__gte=from_day),
        reason=ContactSession.CancelReason.COURT_ORDER,
        note="plan changed",
    )
    return new_plan
