from django.apps import AppConfig


class ExampleAreaConfig(AppConfig):
    name = "tests.example_area"
    label = "example_area"
    verbose_name = "Example area (tests)"
