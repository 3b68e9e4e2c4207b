from django.urls import path

from kundennah.commerce import staff_views

app_name = "commerce"
urlpatterns = [
    path("errors/", staff_views.error_rate, name="errors"),
    path("errors/export.csv", staff_views.error_rate_csv, name="errors_csv"),
    path("customers/<int:customer_id>/invite/", staff_views.customer_invite, name="invite"),
    path("customers/<int:customer_id>/contacts/<int:user_id>/rights/", staff_views.contact_rights,
         name="contact_rights"),
]
