"""Forms of the rota board: they parse and validate what the deputy typed; services decide."""

import datetime as dt

from django import forms
from django.utils import timezone

from lib.service_day import clock, grid_starts, minutes_of_day
from scheduling.models import ContactSession
from staffing.models import Worker
from venues.models import Room


def _start_choices(session: ContactSession) -> list[tuple[str, str]]:
    starts = grid_starts(
        minutes_of_day(session.earliest_start), minutes_of_day(session.latest_start)
    )
    return [(clock(start), clock(start)) for start in starts]


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, room):
        return f"{room.venue.name} – {room.name}"


class WorkerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, worker):
        return f"{worker.name} ({worker.area.name}, {worker.get_kind_display().lower()})"


class SessionMoveForm(forms.Form):
    start = forms.ChoiceField(label="Start time")
    room = RoomChoiceField(queryset=Room.objects.none(), required=False, empty_label="No room")
    workers = WorkerChoiceField(
        queryset=Worker.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (or Cmd) to choose more than one.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, session: ContactSession, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if session.starts_at:
            local = timezone.localtime(session.starts_at)
            initial.setdefault("start", f"{local:%H:%M}")
        elif session.preferred_start:
            initial.setdefault("start", f"{session.preferred_start:%H:%M}")
        initial.setdefault("room", session.room_id)
        initial.setdefault("workers", [sw.worker_id for sw in session.staffing.all()])
        initial.setdefault("version", session.version)
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["start"].choices = _start_choices(session)
        self.fields["start"].help_text = (
            f"Within the plan's window {session.earliest_start:%H:%M}–"
            f"{session.latest_start:%H:%M}; the session lasts {session.duration_minutes} minutes."
        )
        self.fields["room"].queryset = (
            Room.objects.filter(is_active=True, venue__is_active=True)
            .select_related("venue")
            .order_by("venue__name", "name")
        )
        self.fields["workers"].queryset = (
            Worker.objects.filter(is_active=True).select_related("area").order_by("name")
        )
        self.fields["room"].required = session.mode != "virtual"

    def clean_start(self) -> dt.time:
        return dt.time.fromisoformat(self.cleaned_data["start"])

    def clean(self):
        data = super().clean()
        if self.session.mode == "virtual" and data.get("room"):
            self.add_error("room", "A virtual session has no room.")
        return data


class PinForm(forms.Form):
    pinned = forms.BooleanField(required=False)
