"""Turning contact plans into the sessions of one rota week."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from lib.weeks import monday_of
from referrals.models import ContactPlan
from referrals.selectors import contact_plans_in_force
from scheduling.models import ContactSession, RotaWeek
from scheduling.services.weeks import rota_week_get


@dataclass(frozen=True)
class SkippedSlot:
    plan_id: int
    slot_id: int | None
    day: dt.date | None
    reason: str


@dataclass
class PlanWeekResult:
    rota_week: RotaWeek
    created: int = 0
    existing: int = 0
    skipped: list[SkippedSlot] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Sessions the plans ask for this week (new and already there)."""
        return self.created + self.existing


def weeks_between(first: dt.date, second: dt.date) -> int:
    """Whole weeks from the Monday of `first`'s week to the Monday of `second`'s week."""
    return (monday_of(second) - monday_of(first)).days // 7


def plan_meets_in_week(plan: ContactPlan, week_start: dt.date) -> bool:
    """A fortnightly plan meets in the week it starts and every second week after."""
    return (
        plan.every_weeks == 1 or weeks_between(plan.starts_on, week_start) % plan.every_weeks == 0
    )


def _skip_reason(plan: ContactPlan, day: dt.date) -> str | None:
    if day < plan.starts_on:
        return f"the plan starts on {plan.starts_on:%d %b %Y}"
    if plan.ends_on and day > plan.ends_on:
        return f"the plan ended on {plan.ends_on:%d %b %Y}"
    return None


@transaction.atomic
def week_plan_sessions(*, week_start: dt.date) -> PlanWeekResult:
    """Create the week's sessions from the plans in force; safe to run again.

    Sessions already there are kept as they are, including proposed ones whose plan no
    longer applies (ended, or its referral closed): removing a session is a person's
    decision, made on the board, not a side effect of re-generating.
    """
    rota_week = rota_week_get(week_start=week_start)
    result = PlanWeekResult(rota_week=rota_week)
    days = rota_week.days
    existing = set(
        ContactSession.objects.filter(day__gte=days[0], day__lte=days[-1]).values_list(
            "plan_id", "slot_id", "day"
        )
    )
    new_sessions = []
    for plan in contact_plans_in_force(first_day=days[0], last_day=days[-1]):
        if plan.has_child_out_of_county:
            result.skipped.append(
                SkippedSlot(plan.pk, None, None, "a child is placed out of county")
            )
            continue
        if not plan_meets_in_week(plan, week_start):
            result.skipped.append(SkippedSlot(plan.pk, None, None, "fortnightly: not this week"))
            continue
        for slot in plan.slots.all():
            day = days[slot.weekday]
            if reason := _skip_reason(plan, day):
                result.skipped.append(SkippedSlot(plan.pk, slot.pk, day, reason))
                continue
            if (plan.pk, slot.pk, day) in existing:
                result.existing += 1
                continue
            new_sessions.append(
                ContactSession(
                    rota_week=rota_week,
                    plan=plan,
                    slot=slot,
                    day=day,
                    earliest_start=slot.earliest_start,
                    latest_start=slot.latest_start,
                    preferred_start=slot.preferred_start,
                    duration_minutes=plan.duration_minutes,
                    mode=plan.mode,
                    transport_before_minutes=plan.transport_before_minutes,
                    transport_after_minutes=plan.transport_after_minutes,
                )
            )
    # The unique (plan, slot, day) constraint backs the pre-read above should two runs race.
    ContactSession.objects.bulk_create(new_sessions, batch_size=500)
    result.created = len(new_sessions)
    return result
