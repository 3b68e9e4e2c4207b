from django.urls import path

from kundennah.commerce import account_views

app_name = "portal_account"
urlpatterns = [
    path("", account_views.account, name="account"),
    path("invitation/<str:uidb64>/<str:token>/", account_views.invitation, name="invitation"),
    path("users/", account_views.users, name="users"),
    path("users/<int:user_id>/rights/", account_views.contact_rights, name="contact_rights"),
    path("users/<int:user_id>/deactivate/", account_views.contact_deactivate_view, name="contact_deactivate"),
]
