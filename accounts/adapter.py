from allauth.account.adapter import DefaultAccountAdapter

from schedule.views.redirects import is_same_site_path


class AccountAdapter(DefaultAccountAdapter):
    """Site-specific allauth behaviour."""

    def is_safe_url(self, url):
        # allauth follows ``next`` after sign-in, sign-up and sign-out: the site's
        # rule (a path on this site, never a bare word or another host) applies.
        return is_same_site_path(self.request, url)
