"""The row of a rota week, made the first time anything names the week."""

from __future__ import annotations

import datetime as dt

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.utils import timezone

from lib.weeks import DateOutOfRange, check_in_range, is_monday
from scheduling.models import RotaWeek


def rota_week_get(*, week_start: dt.date) -> RotaWeek:
    """The week starting on `week_start`, which must be a Monday."""
    if not is_monday(week_start):
        raise ValidationError(
            {
                "week_start": f"{week_start:%A %d %b %Y} is not a Monday; "
                "a rota week starts on a Monday."
            }
        )
    try:
        check_in_range(week_start, today=timezone.localdate())
    except DateOutOfRange as error:
        # Year 1 or 9999 is no week anyone plans (and overflows the board's arithmetic).
        raise ValidationError({"week_start": str(error)}) from None
    # Making the row records no decision (and would cost the planner a write), so its
    # creation is not logged; the week's state changes are.
    with disable_auditlog():
        rota_week, _ = RotaWeek.objects.get_or_create(week_start=week_start)
    return rota_week
