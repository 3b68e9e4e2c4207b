from django.urls import path  # noqa: F401

app_name = "service"

# The agent's inbox and concern pages.
urlpatterns: list = []

# Measures, presence and SLA views.
urlpatterns += []
