from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "venues"
    verbose_name = "Venues and rooms"

    def ready(self):
        import audit

        from .models import Room, RoomClosure

        audit.track(Room)
        audit.track(RoomClosure)
