"""The audit trail: which models django-auditlog watches, and how a page reads an object's history.

django-auditlog keeps every change in one LogEntry table (a JSON diff, the actor from its
middleware), so no app needs a shadow table or a migration of its own. It hooks model signals:
`QuerySet.update()`, `bulk_create` and `bulk_update` bypass it, so services that write in bulk
log the change themselves (see `log_bulk_change` and `scheduling.services.solving`).
"""

from __future__ import annotations

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.db.models.signals import post_save

# Rows the solver and the board rewrite often: their bookkeeping fields say nothing a reader
# of the history needs and would bury the changes that matter.
_NOISE = ["updated_at"]


def register_models() -> None:
    """Register the audited models once (called from `TrustConfig.ready`)."""
    from referrals.models import Child, ContactPlan, ContactPlanSlot, Referral
    from scheduling.models import (
        ContactSession,
        RotaWeek,
        SessionRecord,
        SessionRecordAddendum,
        SessionWorker,
    )
    from staffing.models import Absence, Worker
    from venues.models import Room, RoomClosure

    plain = [
        SessionRecord,
        SessionRecordAddendum,
        RotaWeek,
        Referral,
        ContactPlan,
        Child,
        Absence,
        Room,
        RoomClosure,
    ]
    for model in plain:
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=_NOISE)
    # The calendar token is the key of the worker's feed: the log says it changed, not what to.
    if not auditlog.contains(Worker):
        auditlog.register(Worker, exclude_fields=_NOISE, mask_fields=["calendar_token"])
    # A week's row is made implicitly the first time anything names the week, so its creation
    # records no decision (and would cost the planner a write); its state changes are kept.
    create_receiver = auditlog._signals[post_save]
    post_save.disconnect(
        sender=RotaWeek, dispatch_uid=auditlog._dispatch_uid(post_save, create_receiver)
    )
    # Children of a session or a plan: their serialized row names the parent, which is how
    # `history_for` finds them, even once they are deleted.
    for model in (SessionWorker, ContactPlanSlot):
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=_NOISE, serialize_data=True)
    if not auditlog.contains(ContactSession):
        auditlog.register(ContactSession, exclude_fields=_NOISE)
    # Accounts: who was given which role, who was disabled. Never the password hash.
    User = get_user_model()
    if not auditlog.contains(User):
        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})


# The child rows shown in a parent's history: {parent model label: [(child label, fk name)]}.
_CHILDREN = {
    "scheduling.contactsession": [("scheduling.sessionworker", "session")],
    "referrals.contactplan": [("referrals.contactplanslot", "plan")],
}


def history_for(obj, *, limit: int = 50) -> QuerySet[LogEntry]:
    """The object's audit entries, newest first, with those of its child rows (staffing, slots)."""
    content_type = ContentType.objects.get_for_model(obj)
    match = Q(content_type=content_type, object_pk=str(obj.pk))
    for child_label, fk in _CHILDREN.get(f"{content_type.app_label}.{content_type.model}", []):
        app_label, model = child_label.split(".")
        child_type = ContentType.objects.get_by_natural_key(app_label, model)
        match |= Q(content_type=child_type, **{f"serialized_data__fields__{fk}": obj.pk})
    return (
        LogEntry.objects.filter(match)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )


def log_bulk_change(
    *, instance, changes: dict[str, list], note: str = "", extra: dict | None = None
) -> LogEntry:
    """Record a change written in bulk (bypassing the signals) as an update of `instance`."""
    data = dict(extra or {})
    if note:
        data["note"] = note
    return LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={k: [_text(v[0]), _text(v[1])] for k, v in changes.items()},
        additional_data=data or None,
    )


def log_bulk_changes(
    *, model, changes: dict[int, dict[str, list]], actor=None, extra: dict | None = None
) -> list[LogEntry]:
    """One update entry per changed row of a bulk write, in one INSERT: {pk: {field: [old, new]}}.

    The rows' own `__str__` would cost queries per row, so entries name the row by model and id.
    """
    content_type = ContentType.objects.get_for_model(model)
    entries = [
        LogEntry(
            content_type=content_type,
            object_pk=str(pk),
            object_id=pk,
            object_repr=f"{model._meta.verbose_name.capitalize()} {pk}",
            action=LogEntry.Action.UPDATE,
            changes={k: [_text(v[0]), _text(v[1])] for k, v in fields.items()},
            changes_text="",
            actor=actor,
            additional_data=extra or None,
        )
        for pk, fields in changes.items()
    ]
    return LogEntry.objects.bulk_create(entries, batch_size=500)


def _text(value) -> str:
    return "None" if value is None else str(value)
