from django.urls import path

from kundennah.commerce import account_views, staff_views

app_name = "commerce"
urlpatterns = [
    path("errors/", staff_views.error_rate, name="errors"),
    path("errors/export.csv", staff_views.error_rate_csv, name="errors_csv"),
    path("customers/<int:customer_id>/invite/", account_views.staff_invite, name="invite"),
]
