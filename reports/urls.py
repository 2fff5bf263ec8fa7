from django.urls import path

from .api import FiguresView

urlpatterns = [path("figures/", FiguresView.as_view(), name="figures")]
