from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("settings/", views.notification_settings, name="notification-settings"),
    path("<int:notification_id>/", views.notification_open, name="notification-open"),
]
