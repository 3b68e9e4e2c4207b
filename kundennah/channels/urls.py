"""Customer-facing pages: the public contact form, callback requests and the minimal portal."""

from django.urls import path

from kundennah.channels import webhook

app_name = "public"
urlpatterns: list = [
    path("hooks/inbound/<str:source>/", webhook.inbound, name="inbound_webhook"),
]
