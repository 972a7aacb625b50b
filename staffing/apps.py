from django.apps import AppConfig, apps


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = "Staff"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_migrate

        import audit

        from .models import Absence, Worker

        audit.track(Absence)
        # The calendar token is the key of the worker's feed: the log says it changed, not to what.
        audit.track(Worker, masked=["calendar_token"])
        # Accounts: who was given which role, who was disabled. Never the password hash.
        audit.track(get_user_model(), exclude=["password", "last_login"], m2m=["groups"])

        # Groups need the permissions Django creates after migrating, so they are kept in
        # step here rather than in a data migration.
        post_migrate.connect(_sync_groups_once_every_app_has_permissions)


def _sync_groups_once_every_app_has_permissions(sender, **kwargs):
    # post_migrate is sent app by app, and each app's permissions are created on its own
    # signal: syncing on staffing's left out referrals and scheduling, which come after it.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        from . import roles

        roles.sync_groups_after_migrate(**kwargs)
