from django.urls import path

from kundennah.commerce import account_views

app_name = "portal_account"
urlpatterns = [
    path("invitation/<str:uidb64>/<str:token>/", account_views.invitation, name="invitation"),
    path("users/", account_views.users, name="users"),
]
