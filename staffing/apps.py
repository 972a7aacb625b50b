from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = "Staff"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import roles

        # Groups need the permissions Django creates after migrating, so they are kept in
        # step here rather than in a data migration. No sender: post_migrate is sent app by
        # app, and with sender=self the apps after staffing (referrals, scheduling) had no
        # permissions yet, so the groups silently lacked them; the last sync has them all.
        post_migrate.connect(roles.sync_groups_after_migrate)
