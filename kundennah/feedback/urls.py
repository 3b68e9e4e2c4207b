from django.urls import path

from kundennah.feedback import views

app_name = "feedback"
urlpatterns = [
    path("customers/<int:customer_id>/", views.customer_balance, name="customer_balance"),
]
