from django.urls import path

from .today import today

urlpatterns = [path("", today, name="today")]
