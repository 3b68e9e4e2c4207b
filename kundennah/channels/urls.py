"""Customer-facing pages: the public contact form, callback requests and the minimal portal."""

from django.urls import path, re_path

from kundennah.channels import portal, public_views, webhook
from kundennah.channels.email import views as email_views

# The concern's access token (secrets.token_urlsafe): url-safe characters only.
CAPABILITY = r"(?P<token>[A-Za-z0-9_-]{20,64})"

app_name = "public"
urlpatterns: list = [
    path("hooks/inbound/<str:source>/", webhook.inbound, name="inbound_webhook"),
    path("hooks/mail/<str:mailbox>/", email_views.mail_push, name="mail_push"),
    path("contact/", public_views.contact, name="contact"),
    re_path(rf"^contact/thanks/{CAPABILITY}/$", public_views.thanks, name="thanks"),
    re_path(rf"^contact/c/{CAPABILITY}/$", public_views.status, name="status"),
    path("callback/", public_views.callback, name="callback"),
    path("portal/", portal.portal, name="portal"),
    path("portal/new/", portal.portal_new, name="portal_new"),
    path("portal/callback/", portal.portal_callback, name="portal_callback"),
    path("portal/<int:concern_id>/", portal.portal_concern, name="portal_concern"),
]
