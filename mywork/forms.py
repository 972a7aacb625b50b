"""Forms of the contact worker's own pages: records, leave, the calendar feed."""

from __future__ import annotations

from django import forms

from scheduling.models import RECORD_MAX_CHARS, SessionRecord
from staffing.forms import DATE, AbsenceDatesMixin
from staffing.models import Absence

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class LeaveRequestForm(AbsenceDatesMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=[(Absence.Kind.LEAVE, "Annual leave"), (Absence.Kind.TRAINING, "Training")],
        initial=Absence.Kind.LEAVE,
    )
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE)
    note = forms.CharField(max_length=200, required=False)


class RecordForm(forms.Form):
    attendance = forms.ChoiceField(choices=SessionRecord.Attendance.choices)
    actual_start = forms.TimeField(required=False, widget=TIME, label="Started at")
    actual_end = forms.TimeField(required=False, widget=TIME, label="Ended at")
    observations = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=RECORD_MAX_CHARS
    )
    concerns = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=RECORD_MAX_CHARS
    )


class AddendumForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Addendum")


class CalendarForm(forms.Form):
    action = forms.ChoiceField(choices=[("regenerate", "Regenerate"), ("revoke", "Revoke")])
