from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from kundennah.api import api
from kundennah.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon),
    path("accounts/", include("allauth.urls")),
    path("me/", include("kundennah.accounts.urls")),
    path("customers/", include("kundennah.customers.urls")),
    path("service/", include("kundennah.service.urls")),
    path("service/mail/", include("kundennah.channels.email.urls")),
    path("portal/orders/", include("kundennah.commerce.portal_urls")),
    path("portal/account/", include("kundennah.commerce.account_urls")),
    path("orders/", include("kundennah.commerce.staff_urls")),
    path("feedback/", include("kundennah.feedback.urls")),
    path("u/", include("kundennah.feedback.public_urls")),
    path("", include("kundennah.channels.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

handler403 = "kundennah.core.errorviews.forbidden"
handler404 = "kundennah.core.errorviews.not_found"
handler500 = "kundennah.core.errorviews.server_error"
