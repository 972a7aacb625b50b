"""Registering audited models, reading an object's history, and logging bulk writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from auditlog.mixins import AuditlogHistoryAdminMixin
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

# Rows the solver and the board rewrite often: their bookkeeping fields say nothing a reader
# of the history needs and would bury the changes that matter.
NOISE_FIELDS = ["updated_at"]

# The child rows shown in a parent's history: {parent model: [(child model, fk name)]}.
_children: dict[type[Model], list[tuple[type[Model], str]]] = defaultdict(list)


def track(
    model: type[Model],
    *,
    child_of: str | None = None,
    masked: Iterable[str] = (),
    exclude: Iterable[str] = (),
    m2m: Iterable[str] = (),
) -> None:
    """Watch `model`'s changes. Safe to call twice (an app's ready() may run again in tests).

    `child_of` names the foreign key to a parent (a session's staffing, a plan's slots): the
    row is then shown in the parent's history, found through its serialized data even once the
    row is deleted. `masked` fields are logged as changed without their values.
    """
    if auditlog.contains(model):
        return
    options = {
        "exclude_fields": [*NOISE_FIELDS, *exclude],
        "mask_fields": list(masked) or None,
        "m2m_fields": set(m2m) or None,
    }
    if child_of is not None:
        options["serialize_data"] = True
        parent = model._meta.get_field(child_of).related_model
        _children[parent].append((model, child_of))
    auditlog.register(model, **options)


def history_for(obj: Model, *, limit: int = 50) -> QuerySet[LogEntry]:
    """The object's audit entries, newest first, with those of its child rows (staffing, slots)."""
    content_type = ContentType.objects.get_for_model(obj)
    match = Q(content_type=content_type, object_pk=str(obj.pk))
    for child, fk in _children.get(type(obj), []):
        child_type = ContentType.objects.get_for_model(child)
        match |= Q(content_type=child_type, **{f"serialized_data__fields__{fk}": obj.pk})
    return (
        LogEntry.objects.filter(match)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )


class HistoryAdminMixin(AuditlogHistoryAdminMixin):
    """An "Audit log" page and link on an audited model's admin."""

    show_auditlog_history_link = True


def log_bulk_change(
    *, instance: Model, changes: dict[str, list], note: str = "", extra: dict | None = None
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
    *,
    model: type[Model],
    changes: dict[int, dict[str, list]],
    actor=None,
    extra: dict | None = None,
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
