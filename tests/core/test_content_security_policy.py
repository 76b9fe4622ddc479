"""Customer pages get the strict policy; the back office one that unfold's Alpine.js can live with."""

import pytest

from apps.core.templatetags.stars import stars_class
from tests.factories import UserFactory


def _directives(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())


@pytest.mark.django_db
def test_customer_pages_allow_no_inline_script_or_style(client):
    policy = _directives(client.get("/"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


@pytest.mark.django_db
def test_back_office_policy_stays_on_our_origin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    policy = _directives(client.get("/admin/"))
    assert policy["script-src"].split() == ["'self'", "'unsafe-inline'", "'unsafe-eval'"]
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("rating, expected", [(0, "stars--0"), ("4.25", "stars--9"), (4.74, "stars--9"),
                                              (5, "stars--10"), (9, "stars--10"), (None, "stars--0"), ("x", "stars--0")])
def test_star_ratings_are_classes_in_half_stars(rating, expected):
    assert stars_class(rating) == expected
