"""Forms for contact plans: rules that need the plan's venues or slots, which Model.clean can't
see before the plan is saved."""

from django import forms
from django.core.exceptions import ValidationError

from .models import ContactPlan, ContactPlanSlot
from .validators import validate_overseen_venues, validate_slot_fits_service_hours


class ContactPlanForm(forms.ModelForm):
    """A plan's details. Overseen contact needs a mirror room among the allowed venues; a
    changed duration must still fit every saved slot before closing time."""

    # The admin's plan page edits the slots alongside the plan and checks them there against
    # the new duration; elsewhere (e.g. the plan inline on a referral) the saved slots are
    # checked here.
    check_saved_slots = True

    class Meta:
        model = ContactPlan
        fields = [
            "referral",
            "attendees",
            "participants",
            "every_weeks",
            "duration_minutes",
            "mode",
            "venues",
            "room_features",
            "workers_needed",
            "worker_skills",
            "transport",
            "transport_before_minutes",
            "transport_after_minutes",
            "continuity_workers",
            "excluded_workers",
            "starts_on",
            "ends_on",
            "shared_notes",
        ]

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("mode")
        if mode and "venues" in self.fields and "venues" not in self.errors:
            try:
                validate_overseen_venues(mode=mode, venues=cleaned.get("venues") or [])
            except ValidationError as error:
                self.add_error("venues", error)
        duration = cleaned.get("duration_minutes")
        if self.check_saved_slots and duration and self.instance.pk:
            for slot in self.instance.slots.all():
                try:
                    validate_slot_fits_service_hours(
                        latest_start=slot.latest_start,
                        duration_minutes=duration,
                        label=f"{slot.get_weekday_display()} slot",
                    )
                except ValidationError as error:
                    self.add_error("duration_minutes", error)
        return cleaned


class ContactPlanWithSlotsForm(ContactPlanForm):
    check_saved_slots = False


class ContactPlanSlotForm(forms.ModelForm):
    """ContactPlanSlot.clean checks the window against service hours and the plan's duration."""

    class Meta:
        model = ContactPlanSlot
        fields = ["weekday", "earliest_start", "latest_start", "preferred_start"]


class ContactPlanSlotFormSet(forms.BaseInlineFormSet):
    """The slots edited on a plan's page, checked against the duration on that same page."""

    def clean(self):
        super().clean()
        plan = self.instance
        # Once the plan is saved ContactPlanSlot.clean sees the plan (with the duration being
        # submitted); a new plan has no id yet, so its model check is skipped and done here.
        if plan.pk is not None or not plan.duration_minutes:
            return
        for form in self.forms:
            latest = getattr(form, "cleaned_data", {}).get("latest_start")
            if not latest or self._should_delete_form(form):
                continue
            try:
                validate_slot_fits_service_hours(
                    latest_start=latest, duration_minutes=plan.duration_minutes
                )
            except ValidationError as error:
                form.add_error("latest_start", error)
