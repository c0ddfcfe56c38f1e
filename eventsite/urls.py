from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from accounts.views import EmailView, set_language
from schedule.admin_figures import figures_view

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/language/", set_language, name="set_language"),
    # An event's figures in the back office (before the admin's own catch-all URLs).
    path("admin/schedule/event/<int:pk>/figures/", figures_view, name="event-figures"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    # allauth's page, going back to a safe ``next`` (before allauth's own route).
    path("accounts/email/", EmailView.as_view(), name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("speaker/", include("schedule.speakers.urls")),
    path("", include("schedule.urls")),
]

if settings.BENCH_BASELINE:
    urlpatterns.append(path("bench/baseline/", health.bench_baseline, name="bench-baseline"))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
