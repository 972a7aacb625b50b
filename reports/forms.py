import datetime as dt

from django import forms

from referrals.selectors import children_for_user
from scheduling.dates import DateOutOfRange, month_from_text
from staffing.selectors import areas_for_user
from venues.models import Area


class ReportFilterForm(forms.Form):
    month = forms.CharField(
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text="Year and month, as YYYY-MM",
        required=False,
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.all(), required=False, empty_label="All areas", to_field_name="code"
    )

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data["month"]
        if not value:
            return None
        try:
            return month_from_text(value)
        except DateOutOfRange as error:
            raise forms.ValidationError(str(error)) from None


class AgencySessionForm(forms.ModelForm):
    class Meta:
        from .models import AgencySession

        model = AgencySession
        fields = ["child", "agency", "held_on", "duration_minutes", "cost", "notes"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A team leader records costs for their own areas' children only.
        self.fields["child"].queryset = children_for_user(user=user).filter(out_of_county=True)


class TaxiBookingForm(forms.ModelForm):
    class Meta:
        from .models import TaxiBooking

        model = TaxiBooking
        fields = ["area", "day", "cost", "notes"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_for_user(user=user)
