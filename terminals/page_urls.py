from django.urls import path

from . import views

urlpatterns = [path("faults/<int:fault_id>/clear/", views.fault_clear, name="atm-fault-clear")]
