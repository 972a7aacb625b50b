"""Forms for team leaders' and contact workers' pages (approvals, absences, records)."""

from __future__ import annotations

from django import forms

from scheduling.models import ContactSession, SessionRecord
from staffing.models import Absence, Worker

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class _DatesMixin:
    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The absence ends before it starts.")
        return cleaned


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=300, label="Why return it?")


class ApproveDayForm(forms.Form):
    """The sessions of a day as the page showed them: `pk:version` pairs."""

    day = forms.DateField()
    seen = forms.CharField(widget=forms.HiddenInput)

    def clean_seen(self):
        pairs = {}
        for item in self.cleaned_data["seen"].split(","):
            try:
                pk, version = (int(part) for part in item.split(":"))
            except ValueError:
                raise forms.ValidationError("The list of sessions is malformed.") from None
            pairs[pk] = version
        return pairs


class AbsenceRecordForm(_DatesMixin, forms.Form):
    worker = forms.ModelChoiceField(queryset=Worker.objects.none())
    kind = forms.ChoiceField(choices=Absence.Kind.choices, initial=Absence.Kind.SICKNESS)
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE)
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class LeaveRequestForm(_DatesMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=[(Absence.Kind.LEAVE, "Annual leave"), (Absence.Kind.TRAINING, "Training")],
        initial=Absence.Kind.LEAVE,
    )
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE)
    note = forms.CharField(max_length=200, required=False)


class AbsenceDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("refuse", "Refuse")])


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(choices=ContactSession.CancelReason.choices)
    note = forms.CharField(max_length=200, required=False)
    offer_virtual = forms.BooleanField(
        required=False, label="Child ill: offer a virtual session at the same time instead"
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("offer_virtual")
            and cleaned.get("reason") != ContactSession.CancelReason.CHILD_ILL
        ):
            self.add_error("offer_virtual", "A virtual session is offered when the child is ill.")
        return cleaned


class RecordForm(forms.Form):
    attendance = forms.ChoiceField(choices=SessionRecord.Attendance.choices)
    actual_start = forms.TimeField(required=False, widget=TIME, label="Started at")
    actual_end = forms.TimeField(required=False, widget=TIME, label="Ended at")
    observations = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False)
    concerns = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)


class AddendumForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Addendum")


class CalendarForm(forms.Form):
    action = forms.ChoiceField(choices=[("regenerate", "Regenerate"), ("revoke", "Revoke")])
