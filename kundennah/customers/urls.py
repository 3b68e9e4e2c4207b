from django.urls import path

from kundennah.customers import import_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("suggest/", views.search_suggest, name="search_suggest"),
    path("new/", views.customer_create, name="create"),
    path("import/", import_views.import_start, name="import_start"),
    path("import/<int:job_id>/", import_views.import_detail, name="import_detail"),
    path("import/<int:job_id>/progress/", import_views.import_progress, name="import_progress"),
    path("import/<int:job_id>/errors.csv", import_views.import_error_report, name="import_errors"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/history/", views.customer_history, name="history"),
    path("<int:customer_id>/section/<slug:name>/", views.section, name="section"),
    path("<int:customer_id>/timeline/", views.timeline, name="timeline"),
    path("<int:customer_id>/timeline/log/", views.interaction_log, name="interaction_log"),
    path("<int:customer_id>/profile/edit/", views.profile_edit, name="profile_edit"),
    path("<int:customer_id>/contact-points/add/", views.contact_point_add, name="contact_point_add"),
    path("<int:customer_id>/contact-points/<int:point_id>/edit/", views.contact_point_edit, name="contact_point_edit"),
    path("<int:customer_id>/contact-points/<int:point_id>/<slug:action>/", views.contact_point_action,
         name="contact_point_action"),
    path("<int:customer_id>/sites/add/", views.site_add, name="site_add"),
    path("<int:customer_id>/sites/<int:site_id>/edit/", views.site_edit, name="site_edit"),
    path("<int:customer_id>/holdings/add/", views.holding_add, name="holding_add"),
    path("<int:customer_id>/holdings/<int:holding_id>/edit/", views.holding_edit, name="holding_edit"),
    path("<int:customer_id>/consents/record/", views.consent_record, name="consent_record"),
    path("<int:customer_id>/notes/add/", views.note_add, name="note_add"),
    path("<int:customer_id>/notes/<int:note_id>/edit/", views.note_edit, name="note_edit"),
    path("<int:customer_id>/notes/<int:note_id>/delete/", views.note_delete, name="note_delete"),
    path("<int:customer_id>/memberships/add/", views.membership_add, name="membership_add"),
    path("<int:customer_id>/memberships/<int:membership_id>/remove/", views.membership_remove,
         name="membership_remove"),
]
