"""Customer-facing pages: the public contact form, callback requests and the minimal portal."""

from django.urls import path  # noqa: F401

app_name = "public"
urlpatterns: list = []
