from django.apps import AppConfig


class MyworkConfig(AppConfig):
    name = "mywork"
    verbose_name = "Contact worker's own pages"
