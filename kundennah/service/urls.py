from django.urls import path

from kundennah.channels import letter, phone
from kundennah.service import views, views_concern, views_measures

app_name = "service"

# The agent's inbox and concern pages.
urlpatterns: list = [
    path("", views.inbox, name="inbox"),
    path("bulk/", views.inbox_bulk, name="bulk"),
    path("concerns/<int:concern_id>/", views_concern.concern_detail, name="concern"),
    path("concerns/<int:concern_id>/reply/", views_concern.reply, name="reply"),
    path("concerns/<int:concern_id>/note/", views_concern.note, name="note"),
    path("concerns/<int:concern_id>/status/", views_concern.status, name="status"),
    path("concerns/<int:concern_id>/assign/", views_concern.assign, name="assign"),
    path("concerns/<int:concern_id>/triage/", views_concern.triage, name="triage"),
    path("concerns/<int:concern_id>/merge/", views_concern.merge, name="merge"),
    path("concerns/<int:concern_id>/link-customer/", views_concern.link_customer, name="link_customer"),
    path("concerns/<int:concern_id>/callback-done/", views_concern.callback_done, name="callback_done"),
    path("concerns/<int:concern_id>/answers/<int:template_id>/", views_concern.answer, name="answer"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("customers/pick/", views.customer_pick, name="customer_pick"),
    path("customers/<int:customer_id>/concerns/", views.customer_concerns, name="customer_concerns"),
    path("log/phone/", phone.log_phone, name="log_phone"),
    path("log/letter/", letter.log_letter, name="log_letter"),
]

# Measures, presence and SLA views.
urlpatterns += [
    path("measures/", views_measures.measures, name="measures"),
    path("measures.csv", views_measures.measures_csv, name="measures_csv"),
    path("presence/", views_measures.presence, name="presence"),
]
