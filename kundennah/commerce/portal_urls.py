from django.urls import path

from kundennah.commerce import ordering_views, template_views

app_name = "orders"
urlpatterns = [
    path("", ordering_views.order_list, name="list"),
    path("new/", ordering_views.order_new, name="new"),
    path("replenishment/", ordering_views.replenishment, name="replenishment"),
    path("invoices/", ordering_views.invoice_list, name="invoices"),
    path("templates/<int:template_id>/", template_views.template_detail, name="template"),
    path("templates/<int:template_id>/delete/", template_views.template_delete, name="template_delete"),
    path("new/<int:site_id>/", ordering_views.order_form, name="form"),
    path("<int:order_id>/", ordering_views.order_detail, name="detail"),
    path("<int:order_id>/pdf/", ordering_views.order_pdf_download, name="pdf"),
    path("<int:order_id>/confirm/", ordering_views.order_confirm, name="confirm"),
    path("<int:order_id>/problem/", ordering_views.order_problem, name="problem"),
]
