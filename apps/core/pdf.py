"""PDF rendering with weasyprint that can read our static files and nothing else."""

from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, path2url


class ForbiddenResource(FatalURLFetchingError):
    """Fatal on purpose: a template reaching outside our static files is a bug, not a missing image."""


class StaticOnlyURLFetcher(URLFetcher):
    """`/static/...` comes from our static files and `data:` is inline; the network and the rest
    of the disk are refused."""

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if parsed.scheme == "file" and parsed.path.startswith(settings.STATIC_URL):
            try:
                path = finders.find(parsed.path.removeprefix(settings.STATIC_URL))
            except SuspiciousFileOperation:  # ../ walking out of the static folders
                path = None
            if path:
                return super().fetch(path2url(path), headers)
        raise ForbiddenResource(f"PDF rendering may not fetch {url!r}")


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    # "file:///" turns our root-relative links (/static/...) into URLs the fetcher can check.
    return HTML(string=html, base_url="file:///", url_fetcher=StaticOnlyURLFetcher()).write_pdf()
