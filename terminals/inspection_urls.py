"""Mounted at /inspections/ (ebank/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("compliance/", views.inspection_compliance, name="atm-inspection-compliance"),
    path("scan/<str:terminal_no>/<str:secret>/", views.atm_scan, name="atm-scan"),
]
