from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo county of PRODUCT.md (`load_demo`): development and tests only."""

    name = "tools.demo"
    label = "demo"
    verbose_name = "Demo county"
