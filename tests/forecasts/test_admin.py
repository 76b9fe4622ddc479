"""The forecast runs in the back office: requesting one, following it, and who sees what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.forecasts.models import ForecastRun
from tests.factories import ForecastRunFactory, UserFactory
from tests.forecasts.conftest import weekly_pattern

pytestmark = pytest.mark.django_db

REQUEST_URL = reverse("admin:forecasts_forecastrun_request_forecast")
CHANGELIST_URL = reverse("admin:forecasts_forecastrun_changelist")


def _change_url(run):
    return reverse("admin:forecasts_forecastrun_change", args=[run.pk])


def _progress_url(run):
    return reverse("admin:forecasts_forecastrun_progress", args=[run.pk])


def test_a_seller_runs_a_forecast_and_sees_its_chart_beside_the_baseline(
        client, seller_a, vendor_a, sell, django_capture_on_commit_callbacks):
    # given a store with four months of sales
    sell(vendor_a, weekly_pattern(120))
    client.force_login(seller_a)
    assert "Run a forecast" in client.get(CHANGELIST_URL).content.decode()
    form = client.get(REQUEST_URL)
    assert form.status_code == 200 and 'name="category"' not in form.content.decode()  # own store only
    # when they ask for a 14-day forecast (the worker runs it when the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REQUEST_URL, {"scope": "vendor", "vendor": vendor_a.pk, "frequency": "day",
                                             "horizon": 14})
    # then they land on the run's page, which shows the chart and the verdict
    run = ForecastRun.objects.get()
    assert response.status_code == 302 and response.url == _change_url(run)
    assert run.status == ForecastRun.Status.DONE and run.requested_by == seller_a
    page = client.get(_change_url(run)).content.decode()
    assert 'data-type="line"' in page and "Likely range, high" in page
    assert "Better than the naive baseline" in page
    assert "Naive baseline" in page and f"{run.baseline_mape:.1f}" in page
    # the polled fragment of the finished run only asks for a reload: its chart is not built for it
    with CaptureQueriesContext(connection) as queries:
        fragment = client.get(_progress_url(run), HTTP_HX_REQUEST="true")
    assert fragment.headers["HX-Refresh"] == "true"
    assert not [query for query in queries if "forecasts_forecastpoint" in query["sql"]]


def test_a_seller_cannot_request_a_forecast_of_another_store(client, seller_a, vendor_b):
    client.force_login(seller_a)
    response = client.post(REQUEST_URL, {"scope": "vendor", "vendor": vendor_b.pk, "frequency": "day", "horizon": 7})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client.post(REQUEST_URL, {"scope": "platform", "frequency": "day", "horizon": 7})
    assert "Select a valid choice" in response.content.decode()
    assert not ForecastRun.objects.exists()


def test_bad_input_is_answered_next_to_the_field(client, manager):
    client.force_login(manager)
    response = client.post(REQUEST_URL, {"scope": "category", "frequency": "month", "horizon": 48})
    body = response.content.decode()
    assert response.status_code == 200
    assert "At most 36 periods ahead for this frequency." in body and "Choose the category to forecast." in body
    assert not ForecastRun.objects.exists()


def test_an_analyst_runs_a_platform_forecast_and_follows_its_progress(
        client, sell, vendor_a, django_capture_on_commit_callbacks):
    analyst = UserFactory(roles=["Analyst"], is_staff=True)
    client.force_login(analyst)
    # a vendor left selected does not narrow a platform forecast
    response = client.post(REQUEST_URL, {"scope": "platform", "vendor": vendor_a.pk, "frequency": "week",
                                         "horizon": 8})
    run = ForecastRun.objects.get()
    assert (run.scope, run.vendor, run.status) == ("platform", None, ForecastRun.Status.QUEUED)
    # while queued, the page polls a fragment that says where the run is
    page = client.get(response.url).content.decode()
    assert f'hx-get="{_progress_url(run)}"' in page and 'aria-valuenow="0"' in page
    ForecastRun.objects.filter(pk=run.pk).update(status=ForecastRun.Status.RUNNING, progress=40)
    fragment = client.get(_progress_url(run), HTTP_HX_REQUEST="true")
    assert "Running: 40 % done." in fragment.content.decode() and "HX-Refresh" not in fragment
    # once finished, the fragment reloads the page, which then tells why there is no chart
    ForecastRun.objects.filter(pk=run.pk).update(status=ForecastRun.Status.INSUFFICIENT_DATA, progress=100,
                                                 error="Not enough data: 0 weeks of sales, at least 26 weeks needed.")
    assert client.get(_progress_url(run)).headers["HX-Refresh"] == "true"
    page = client.get(response.url).content.decode()
    assert "Not enough data: 0 weeks of sales" in page and _progress_url(run) not in page


def test_run_again_opens_the_request_form_filled_in(client, manager, vendor_a):
    run = ForecastRunFactory(vendor=vendor_a, frequency="week", horizon=9, status=ForecastRun.Status.DONE)
    client.force_login(manager)
    response = client.get(reverse("admin:forecasts_forecastrun_run_again", args=[run.pk]))
    assert response.url == f"{REQUEST_URL}?from={run.pk}"
    form = client.get(response.url).context["form"]
    assert (form.initial["vendor"], form.initial["frequency"], form.initial["horizon"]) == (vendor_a.pk, "week", 9)


def test_sellers_never_see_platform_or_category_runs_nor_other_stores(client, seller_a, vendor_a, vendor_b):
    own = ForecastRunFactory(vendor=vendor_a)
    platform = ForecastRunFactory(scope="platform", vendor=None, error="platform secret")
    other = ForecastRunFactory(vendor=vendor_b)
    client.force_login(seller_a)
    listed = {run.pk for run in client.get(CHANGELIST_URL).context["cl"].result_list}
    assert listed == {own.pk}
    for hidden in (platform, other):
        assert client.get(_change_url(hidden)).status_code == 404
        assert client.get(_progress_url(hidden)).status_code == 404
        assert client.get(reverse("admin:forecasts_forecastrun_run_again", args=[hidden.pk])).status_code in (403, 404)
    # and opening the request form from another store's run does not fill it in
    form = client.get(f"{REQUEST_URL}?from={other.pk}").context["form"]
    assert form.initial == {}


def test_runs_are_read_only_records(client, manager, vendor_a):
    run = ForecastRunFactory(vendor=vendor_a)
    client.force_login(manager)
    assert client.get(reverse("admin:forecasts_forecastrun_add")).status_code == 403
    assert client.post(_change_url(run), {"horizon": 99}).status_code == 403
    run.refresh_from_db()
    assert run.horizon == 14


def test_people_without_the_role_cannot_request_runs(client, vendor_a):
    support = UserFactory(roles=["Support staff"], is_staff=True)
    client.force_login(support)
    assert client.get(REQUEST_URL).status_code in (302, 403)
    assert not ForecastRun.objects.exists()


def test_the_sidebar_offers_forecasts_to_sellers(client, seller_a):
    client.force_login(seller_a)
    assert CHANGELIST_URL in client.get(reverse("admin:index")).content.decode()
