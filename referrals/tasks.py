"""Celery tasks for referrals: thin adapters over the intake services."""

from celery import shared_task
from django.utils import timezone

from .intake import referrals_end_expired


@shared_task(soft_time_limit=240, time_limit=300)
def end_expired_referrals() -> str:
    """Daily: end referrals whose time-limited plans ran out; safe to run twice."""
    ended = referrals_end_expired(today=timezone.localdate())
    return f"Ended {len(ended)} referral(s)"
