from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "ebank.bench"
    label = "bench"
    verbose_name = "Benchmark"
