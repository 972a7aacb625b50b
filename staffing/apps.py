from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = "Staff"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import roles

        # Groups need the permissions Django creates after migrating, so they are kept in
        # step here rather than in a data migration.
        post_migrate.connect(roles.sync_groups_after_migrate, sender=self)
