from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Children and referrals"

    def ready(self):
        import audit

        from .models import Child, ContactPlan, ContactPlanSlot, Referral

        for model in (Referral, ContactPlan, Child):
            audit.track(model)
        audit.track(ContactPlanSlot, child_of="plan")
