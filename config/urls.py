from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("kantor/dasbor/", include("bekal.web.dashboards.urls")),
    path("kantor/", include("bekal.web.backoffice.urls")),
    path("meja/", include("bekal.web.desk.urls")),
    path("api/partners/v1/", include("bekal.api.partners.v1.urls")),
    path("api/sms/", include("bekal.api.sms.urls")),
    path("api/payments/v1/", include("bekal.api.payments.v1.urls")),
    path("", include("bekal.web.portal.urls")),
]

if settings.BEKAL_DEV_OUTBOX:
    urlpatterns.insert(0, path("dev/", include("bekal.web.devtools.urls")))
