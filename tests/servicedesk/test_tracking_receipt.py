import io
import re

import pypdfium2
import pytest
import zxingcpp

from apps.servicedesk.tracking import tracking_url
from tests.servicedesk.conftest import bought_request

pytestmark = pytest.mark.django_db


def test_tracking_with_reference_and_purchase_email_shows_status_timeline_and_next_step(client, service):
    req = bought_request(client, service)
    body = client.post("/track/", {"reference": req.reference.lower(), "email": "MARIAM@example.com"}).content.decode()
    assert req.reference in body and "Pending contact" in body and "Payment confirmed" in body
    assert "contact you within one business day" in body


@pytest.mark.parametrize("wrong", ["reference", "email"])
def test_wrong_reference_or_email_give_one_generic_not_found(client, service, wrong):
    req = bought_request(client, service)
    data = {"reference": req.reference, "email": req.email}
    data[wrong] = "SR-2026-ZZZZZZ" if wrong == "reference" else "someone@example.com"
    body = client.post("/track/", data).content.decode()
    assert "could not find a request with this reference and e-mail" in body
    assert req.reference not in body.replace(data["reference"], "") or wrong == "email"


def test_not_found_pages_are_identical_for_wrong_reference_and_wrong_email(client, service):
    req = bought_request(client, service)

    def page(data):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", client.post("/track/", data).content.decode())
        return html.split("<main", 1)[1].split("</main>", 1)[0].replace(data["reference"], "").replace(data["email"], "")

    assert page({"reference": "SR-2026-ZZZZZZ", "email": req.email}) == page(
        {"reference": req.reference, "email": "nobody@example.com"})


def test_tracking_lookups_are_rate_limited(client, service):
    for _ in range(10):
        assert client.post("/track/", {"reference": "SR-2026-AAAAAA", "email": "a@example.com"}).status_code == 200
    response = client.post("/track/", {"reference": "SR-2026-AAAAAA", "email": "a@example.com"})
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()


def test_signed_link_opens_tracking_and_a_tampered_one_does_not(client, service):
    req = bought_request(client, service)
    url = tracking_url(req).removeprefix("http://testserver")
    assert req.reference in client.get(url).content.decode()
    assert client.get(url[:-3] + "xx/").status_code == 404


def test_receipt_pdf_holds_reference_and_amount_and_its_qr_opens_the_tracking_page(client, service):
    req = bought_request(client, service)
    response = client.get(f"/purchase/{req.purchase.token}/receipt.pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(io.BytesIO(response.content))
    page = pdf[0]
    text = page.get_textpage().get_text_range()
    assert req.reference in text and "200" in text and "Full car check" in text and req.vendor.name in text
    image = page.render(scale=3).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [code.text for code in codes] == [tracking_url(req)]
    assert client.get(codes[0].text.removeprefix("http://testserver")).status_code == 200


def test_receipt_rendering_refuses_anything_but_our_static_files():
    from apps.core.pdf import ForbiddenResource, StaticOnlyURLFetcher

    fetcher = StaticOnlyURLFetcher()
    for url in ("http://example.com/logo.png", "file:///etc/passwd", "file:///static/../../etc/passwd"):
        with pytest.raises(ForbiddenResource):
            fetcher.fetch(url)
    assert fetcher.fetch("file:///static/img/logo.svg") is not None


def test_bench_receipt_prints_its_ratios():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("bench_receipt", runs=2, stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"bench_receipt: warm_vs_trivial=\d+\.\d+ cold_vs_warm=\d+\.\d+", last)
