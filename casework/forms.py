"""Forms of the intake page and the referral's life: parse, and refuse undeliverable plans."""

import datetime as dt
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError

from referrals.forms import ContactPlanSlotForm, ContactPlanWithSlotsForm
from referrals.models import Child, ContactPlan, ContactPlanSlot, Referral
from referrals.selectors import children_for_user
from referrals.validators import validate_slot_fits_service_hours
from staffing.models import Worker
from staffing.selectors import areas_for_user

SCHOOL_STARTS = dt.time(9, 0)
SCHOOL_ENDS = dt.time(15, 0)
SCHOOL_AGES = range(5, 17)  # 5 to 16 on the day the plan starts
AGREED_WITH_SCHOOL_NOTE = "Daytime contact agreed with the child's school."
DATE_INPUT = forms.DateInput(attrs={"type": "date"})
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ReferralIntakeForm(forms.ModelForm):
    existing_children = forms.ModelMultipleChoiceField(
        queryset=Child.objects.select_related("area"),
        required=False,
        help_text="Children already known to the service; add new ones below.",
    )

    class Meta:
        model = Referral
        fields = ["referrer_name", "referrer_team", "received_on", "priority", "mosaic_id", "notes"]
        widgets = {"received_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 2})}
        labels = {"mosaic_id": "Mosaic referral id"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the children of the user's areas: another area's child (its date of birth and
        # area) is not theirs to see, and a posted id of one is refused as an invalid choice.
        self.fields["existing_children"].queryset = children_for_user(user=user)


class NewChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = [
            "first_name",
            "reference",
            "date_of_birth",
            "area",
            "placement",
            "mosaic_id",
            "out_of_county",
        ]
        widgets = {"date_of_birth": DATE_INPUT}
        labels = {"mosaic_id": "Mosaic id"}

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


NewChildFormSet = forms.formset_factory(NewChildForm, extra=3)


class IntakePlanForm(ContactPlanWithSlotsForm):
    """The plan at intake: workers for continuity are allocated when the referral is accepted."""

    agreed_with_school = forms.BooleanField(
        required=False,
        label="Daytime contact agreed with the child's school",
        help_text="Allows windows in school hours (09:00–15:00) for a school-age child.",
    )

    class Meta(ContactPlanWithSlotsForm.Meta):
        fields = [
            name
            for name in ContactPlanWithSlotsForm.Meta.fields
            if name not in ("referral", "continuity_workers")
        ]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "shared_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def plan_fields(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self._meta.fields}
        if self.cleaned_data.get("agreed_with_school"):
            notes = values.get("shared_notes") or ""
            if AGREED_WITH_SCHOOL_NOTE not in notes:
                values["shared_notes"] = f"{notes}\n{AGREED_WITH_SCHOOL_NOTE}".strip()
        return values


class SlotForm(ContactPlanSlotForm):
    class Meta(ContactPlanSlotForm.Meta):
        widgets = {
            "earliest_start": TIME_INPUT,
            "latest_start": TIME_INPUT,
            "preferred_start": TIME_INPUT,
        }


SlotFormSet = forms.formset_factory(SlotForm, extra=2, min_num=1, validate_min=True)


def _filled(formset) -> list[forms.Form]:
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def check_plan_deliverable(
    *, plan_form: IntakePlanForm, slot_formset, children: Iterable[tuple[str, dt.date]]
) -> bool:
    """Add an error saying why wherever the service could not deliver the plan.

    `children` are (name, date of birth). Returns whether the plan passed.
    """
    duration = plan_form.cleaned_data.get("duration_minutes")
    starts_on = plan_form.cleaned_data.get("starts_on")
    agreed = plan_form.cleaned_data.get("agreed_with_school")
    school_age = []
    if starts_on:
        for name, born in children:
            age = (
                starts_on.year
                - born.year
                - ((starts_on.month, starts_on.day) < (born.month, born.day))
            )
            if age in SCHOOL_AGES:
                school_age.append((name, age))
    passed = True
    for form in _filled(slot_formset):
        data = form.cleaned_data
        latest, earliest = data.get("latest_start"), data.get("earliest_start")
        if not (latest and earliest):
            continue
        day = ContactPlanSlot.Weekday(data["weekday"]).label
        if duration:
            try:
                validate_slot_fits_service_hours(
                    latest_start=latest, duration_minutes=duration, label=f"{day} window"
                )
            except ValidationError as error:
                form.add_error("latest_start", error)
                passed = False
        # A session may start anywhere in its window, so any start from 09:00 to 15:00 could
        # land in the school day.
        if school_age and not agreed and earliest < SCHOOL_ENDS and latest >= SCHOOL_STARTS:
            name, age = school_age[0]
            form.add_error(
                "earliest_start",
                f"{name} is {age} on {starts_on:%d %b %Y}, of school age: a session starting "
                f"{earliest:%H:%M}–{latest:%H:%M} on {day} could fall in school hours "
                f"({SCHOOL_STARTS:%H:%M}–{SCHOOL_ENDS:%H:%M}). Start the window at "
                f"{SCHOOL_ENDS:%H:%M} or later, or tick that daytime contact is agreed "
                "with the school.",
            )
            passed = False
    return passed


class IntakeForms:
    """The intake page's forms: the referral, new children, the plan and its windows."""

    def __init__(self, data=None, *, user):
        self.referral = ReferralIntakeForm(data, prefix="referral", user=user)
        self.children = NewChildFormSet(
            data, prefix="child", form_kwargs={"areas": areas_for_user(user=user)}
        )
        self.plan = IntakePlanForm(data, prefix="plan")
        self.slots = SlotFormSet(data, prefix="slot")
        self.non_form_errors: list[str] = []

    def is_valid(self) -> bool:
        valid = [
            self.referral.is_valid(),
            self.children.is_valid(),
            self.plan.is_valid(),
            self.slots.is_valid(),
        ]
        if not all(valid):
            return False
        if not self.existing_children and not self.new_children:
            self.non_form_errors.append("Choose a child already known, or add a new one.")
            return False
        children = [(c.first_name, c.date_of_birth) for c in self.existing_children]
        children += [(c["first_name"], c["date_of_birth"]) for c in self.new_children]
        return check_plan_deliverable(
            plan_form=self.plan, slot_formset=self.slots, children=children
        )

    @property
    def existing_children(self) -> list[Child]:
        return list(self.referral.cleaned_data.get("existing_children") or [])

    @property
    def new_children(self) -> list[dict]:
        return [f.cleaned_data for f in _filled(self.children)]

    @property
    def slot_values(self) -> list[dict]:
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"} for f in _filled(self.slots)
        ]

    def referral_fields(self) -> dict:
        data = self.referral.cleaned_data
        return {name: data[name] for name in ReferralIntakeForm.Meta.fields}


class PlanChangeForms:
    """A changed plan from a date: the plan's fields and windows, checked as at intake."""

    def __init__(self, data=None, *, plan: ContactPlan | None = None):
        initial = slots = None
        if plan is not None and data is None:
            initial = {
                name: getattr(plan, name)
                for name in IntakePlanForm.Meta.fields
                if name not in ("venues", "room_features", "worker_skills", "excluded_workers")
            }
            for name in ("venues", "room_features", "worker_skills", "excluded_workers"):
                initial[name] = list(getattr(plan, name).all())
            initial["starts_on"] = None
            slots = [
                {
                    "weekday": s.weekday,
                    "earliest_start": s.earliest_start,
                    "latest_start": s.latest_start,
                    "preferred_start": s.preferred_start,
                }
                for s in plan.slots.all()
            ]
        self.source = plan
        self.plan = IntakePlanForm(data, prefix="plan", initial=initial)
        self.plan.fields["starts_on"].label = "Takes effect from"
        self.slots = SlotFormSet(data, prefix="slot", initial=slots)

    def is_valid(self, *, children: Iterable[Child]) -> bool:
        if not all([self.plan.is_valid(), self.slots.is_valid()]):
            return False
        return check_plan_deliverable(
            plan_form=self.plan,
            slot_formset=self.slots,
            children=[(c.first_name, c.date_of_birth) for c in children],
        )

    @property
    def slot_values(self) -> list[dict]:
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"} for f in _filled(self.slots)
        ]


class AcceptForm(forms.Form):
    continuity_workers = forms.ModelMultipleChoiceField(
        queryset=Worker.objects.filter(is_active=True).select_related("area"),
        required=False,
        help_text="The workers this family will see week after week.",
    )


class EndForm(forms.Form):
    last_day = forms.DateField(
        widget=DATE_INPUT, help_text="The last day of contact; later sessions are cancelled."
    )


class MosaicUploadForm(forms.Form):
    file = forms.FileField(help_text="A Mosaic CSV export in UTF-8 (see docs/mosaic-import.md).")

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError("The file is larger than 5 MB; is it the right export?")
        return upload


class MosaicConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[("all", "Import the file"), ("valid_only", "Valid rows only")]
    )
