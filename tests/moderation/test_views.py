import pytest

from apps.moderation.models import Report
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/reports/new/"


@pytest.fixture
def signed_in(client):
    user = UserFactory(email="buyer@example.com")
    client.force_login(user)
    return user


def test_guests_are_sent_to_sign_in(client, vendor_a):
    response = client.get(f"{URL}?vendor={vendor_a.slug}")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reporting_a_product_then_thanks(client, signed_in, vendor_a):
    product = ProductFactory(vendor=vendor_a, name="Fake sneakers")
    page = client.get(f"{URL}?product={product.pk}")
    assert page.status_code == 200 and "Fake sneakers" in page.content.decode()
    response = client.post(f"{URL}?product={product.pk}", {"reason": "counterfeit", "description": ""}, follow=True)
    assert "Thank you, a moderator will look at it" in response.content.decode()
    report = Report.objects.get()
    assert (report.product, report.reporter, report.reason) == (product, signed_in, "counterfeit")


@pytest.mark.parametrize("query", ["", "?product=abc", "?product=99999999999999999999999", "?vendor=nope",
                                   "?user=0", "?user=1&vendor=x"])
def test_junk_targets_get_a_clear_404(client, signed_in, query):
    response = client.get(f"{URL}{query}")
    assert response.status_code == 404 and "nothing to report" in response.content.decode()
    assert client.post(f"{URL}{query}", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_invisible_products_cannot_be_reported(client, signed_in, vendor_a):
    hidden = ProductFactory(vendor=vendor_a, is_active=False)
    assert client.post(f"{URL}?product={hidden.pk}", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_bad_input_is_answered_next_to_the_field(client, signed_in, vendor_a):
    url = f"{URL}?vendor={vendor_a.slug}"
    response = client.post(url, {"reason": "other", "description": ""})
    assert response.status_code == 400
    assert "Describe the problem" in response.content.decode()
    response = client.post(url, {"reason": "nonsense"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Report.objects.exists()


def test_service_refusals_are_shown(client, signed_in, vendor_a):
    url = f"{URL}?vendor={vendor_a.slug}"
    assert client.post(url, {"reason": "spam"}).status_code == 302
    response = client.post(url, {"reason": "spam"})
    assert response.status_code == 400 and "You already reported this" in response.content.decode()
    assert Report.objects.count() == 1


def test_ten_reports_an_hour_per_user(client, signed_in, vendor_a):
    targets = [ProductFactory(vendor=vendor_a) for _ in range(11)]
    for target in targets[:10]:
        assert client.post(f"{URL}?product={target.pk}", {"reason": "spam"}).status_code == 302
    response = client.post(f"{URL}?product={targets[10].pk}", {"reason": "spam"})
    assert response.status_code == 429 and "many reports" in response.content.decode()
    assert Report.objects.count() == 10


def test_the_form_names_no_account(client, signed_in):
    """An account id in the query string would make the page an oracle of names: it is not a target."""
    staff = UserFactory(is_staff=True, full_name="Fatoumata Camara")
    response = client.get(f"{URL}?user={staff.pk}")
    assert response.status_code == 404 and "Fatoumata" not in response.content.decode()


def test_the_report_link_partial_points_at_the_form(vendor_a):
    from django.template.loader import render_to_string

    product = ProductFactory(vendor=vendor_a)
    assert f'{URL}?product={product.pk}"' in render_to_string("moderation/partials/_report_link.html",
                                                              {"product": product})
    assert f'{URL}?vendor=alpha-store"' in render_to_string("moderation/partials/_report_link.html",
                                                            {"store": vendor_a})
