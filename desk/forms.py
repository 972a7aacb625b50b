"""Forms of the team leader's desk: approvals, absences, cancellations."""

from __future__ import annotations

from django import forms

from scheduling.models import ContactSession
from staffing.forms import DATE, AbsenceDatesMixin
from staffing.models import Absence, Worker


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


class AbsenceRecordForm(AbsenceDatesMixin, forms.Form):
    worker = forms.ModelChoiceField(queryset=Worker.objects.none())
    kind = forms.ChoiceField(choices=Absence.Kind.choices, initial=Absence.Kind.SICKNESS)
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE)
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


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
