from allauth.account.adapter import DefaultAccountAdapter
from django.utils.http import url_has_allowed_host_and_scheme

from apps.core.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url):
        # Only relative paths on this site: a `next=` never leads elsewhere, whatever ALLOWED_HOSTS says.
        return bool(url) and url.startswith("/") and not url.startswith("//") and url_has_allowed_host_and_scheme(
            url, allowed_hosts=None, require_https=False
        )

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        # "Confirmation e-mail sent to X" appears only for a new address; a known one gets none.
        # Dropping it keeps both sign-up responses identical (the next page says to check the inbox).
        if message_template == "account/messages/email_confirmation_sent.txt":
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def get_client_ip(self, request):
        # allauth's rate limits and ours key on the same address (TRUSTED_PROXY_COUNT).
        return client_ip(request)
