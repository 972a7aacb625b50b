"""Forms for venues and rooms; the admin uses them so its messages match the rest of the site."""

from django import forms

from .models import RoomClosure


class RoomClosureForm(forms.ModelForm):
    class Meta:
        model = RoomClosure
        fields = ["room", "starts_at", "ends_at", "reason"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        # Said here as well as in RoomClosure.clean so the message sits by the field even when
        # the form is used without model validation (e.g. in a formset with errors elsewhere).
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The closure ends before it starts.")
        return cleaned
