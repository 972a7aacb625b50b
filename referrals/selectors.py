"""Reads about referrals and their contact plans that cross relations."""

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from staffing.selectors import areas_for_user

from .models import Child, ContactPlan, ContactPlanSlot, Referral


def contact_plans_in_force(*, first_day: dt.date, last_day: dt.date) -> QuerySet[ContactPlan]:
    """Plans of active referrals whose dates touch [first_day, last_day], with their slots.

    Each plan carries `has_child_out_of_county`: such plans never reach the rota (a
    commissioned agency supervises those children), but callers may want to say so.
    """
    out_of_county = Child.objects.filter(referrals=OuterRef("referral_id"), out_of_county=True)
    return (
        ContactPlan.objects.filter(referral__status=Referral.Status.ACTIVE, starts_on__lte=last_day)
        .exclude(ends_on__lt=first_day)
        .annotate(has_child_out_of_county=Exists(out_of_county))
        .select_related("referral")
        .prefetch_related(
            Prefetch("slots", queryset=ContactPlanSlot.objects.order_by("weekday", "pk"))
        )
        .order_by("pk")
    )


def children_for_user(*, user) -> QuerySet[Child]:
    """The children a user may pick or read about: those of the areas they work
    (`areas_for_user`), as `referrals_for_user` decides for referrals."""
    return Child.objects.filter(area__in=areas_for_user(user=user)).select_related("area")


def referrals_for_user(*, user) -> QuerySet[Referral]:
    """The referrals a user may open: the whole county for those who plan the county's rota
    (deputy, administrator), otherwise those with a child in an area the user leads.

    Children's cases are seen on a need-to-know basis: a team leader works their own area.
    """
    referrals = Referral.objects.all()
    if user.has_perm("scheduling.plan_rota"):
        return referrals
    return referrals.filter(children__area__team_leader=user).distinct()
