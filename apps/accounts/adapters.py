from allauth.account.adapter import DefaultAccountAdapter
from django.utils.http import url_has_allowed_host_and_scheme


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url):
        # Only relative paths on this site: a `next=` never leads elsewhere, whatever ALLOWED_HOSTS says.
        return bool(url) and url.startswith("/") and not url.startswith("//") and url_has_allowed_host_and_scheme(
            url, allowed_hosts=None, require_https=False
        )
