"""Forms for staff records; the admin uses them so the same rules hold everywhere."""

from django import forms

from .models import Absence, Worker

DATE = forms.DateInput(attrs={"type": "date"})


class WorkerForm(forms.ModelForm):
    """A worker's record. Worker.clean checks the base venue lies in the worker's area."""

    class Meta:
        model = Worker
        fields = [
            "code",
            "name",
            "kind",
            "area",
            "base_venue",
            "contract_minutes",
            "skills",
            "user",
            "is_active",
        ]

    def clean_contract_minutes(self):
        minutes = self.cleaned_data["contract_minutes"]
        # A full-time week is 37 hours; more than a 60-hour week is a typing slip (hours
        # entered as minutes the other way round is the usual one).
        if minutes > 60 * 60:
            raise forms.ValidationError(
                f"{minutes} minutes is more than 60 hours a week; "
                "contracts are in minutes (37 hours = 2,220)."
            )
        return minutes


class AbsenceDatesMixin:
    """An absence's form: it cannot end before it starts."""

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The absence ends before it starts.")
        return cleaned


class AbsenceForm(AbsenceDatesMixin, forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["worker", "kind", "starts_on", "ends_on", "status", "note"]
