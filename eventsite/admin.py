"""The back office's admin site: staff sign in through the site's own login."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


class AdminSite(admin.AdminSite):
    """Django's admin site whose login page is allauth's (``account_login``).

    allauth's login throttles failed attempts (``ACCOUNT_RATE_LIMITS``) and runs
    every login stage (e-mail verification, two-factor), so staff get the same
    protection as everyone else. The admin's own form, which has no throttle, is
    never shown, and nothing posted to its URL is checked.
    """

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        next_url = self.safe_next(request)
        if not request.user.is_authenticated:
            query = QueryDict(mutable=True)
            query[REDIRECT_FIELD_NAME] = next_url
            return HttpResponseRedirect(f"{reverse('account_login')}?{query.urlencode(safe='/')}")
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        # Signed in without staff status: allauth's login would send them straight
        # back here, so say why instead of going round in circles.
        context = {**self.each_context(request), "title": _("No access to the back office")}
        return TemplateResponse(request, "admin/no_access.html", context, status=403)

    def safe_next(self, request):
        """The ``next`` of the query when it is a path on this site, else the admin index."""
        url = request.GET.get(REDIRECT_FIELD_NAME, "")
        # No host allowed: only a path ("/admin/..."), never another site, a
        # scheme-relative "//host" or a bare word.
        if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
            return url
        return reverse("admin:index", current_app=self.name)
