"""Reading the shop pages the way a person reads them."""

import re

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    """The page's visible text with whitespace collapsed (no-break spaces too), so assertions read like the screen."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def listed(response) -> list[str]:
    """Names of the product cards on the page, in order."""
    return re.findall(r'<h3 class="product-card__name"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def card(response, name: str) -> str:
    """The HTML of one product card."""
    for html in re.findall(r'<li class="card product-card[^"]*">.*?</li>', response.content.decode(), re.S):
        if f">{name}<" in html:
            return html
    raise AssertionError(f"no card for {name}")


def field_error(response, field: str) -> str:
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert match, f"no error list for {field}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def category_nav(response) -> str:
    match = re.search(r'<nav class="shop-categories".*?</nav>', response.content.decode(), re.S)
    assert match, "no category navigation"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())
