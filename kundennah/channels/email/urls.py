from django.urls import path

from kundennah.channels.email import agent_views

app_name = "mail"
urlpatterns = [
    path("html/<int:inbound_id>/", agent_views.mail_html, name="html"),
    path("outbound/<int:outbound_id>/send-again/", agent_views.outbound_send_again, name="send_again"),
]
