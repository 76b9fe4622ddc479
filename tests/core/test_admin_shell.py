"""The back-office shell: dashboard, sidebar per role, environment badge, task pages."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_q.models import Failure, Schedule, Success, Task
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.widgets import UnfoldAdminTextInputWidget

from apps.accounts.roles import Role
from apps.analytics.selectors.dashboards import people_figures as dashboard_figures
from apps.vendors.models import Vendor
from tests.factories import UserFactory, VendorFactory

ADMIN_INDEX = "/admin/"


def _text(response) -> str:
    """The page's visible text with whitespace collapsed, so assertions read like the screen."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def analyst(db):
    return UserFactory(email="analyst@example.com", roles=[Role.ANALYST])


# --- dashboard


def test_dashboard_shows_platform_figures_to_administrator(client, administrator):
    # given 3 customers and 2 vendors, one of them suspended
    UserFactory.create_batch(3)
    VendorFactory(name="Open Shop")
    VendorFactory(name="Closed Shop", status=Vendor.Status.SUSPENDED)
    client.force_login(administrator)

    # when
    response = client.get(ADMIN_INDEX)

    # then the cards and the role table carry the real numbers
    assert response.status_code == 200
    text = _text(response)
    assert "Accounts 4" in text  # the administrator and the 3 customers
    assert "Active vendors 1" in text
    assert "Suspended vendors 1" in text
    assert "Customers 3" in text
    assert "Administrator 1" in text
    # and the chart counts today's 4 sign-ups on its last bar
    assert 'class="chart"' in response.text
    assert response.context["figures"]["signups"][-1] == (timezone.localdate(), 4)


def test_dashboard_explains_an_empty_sign_up_chart(client, administrator):
    administrator.date_joined = timezone.now() - timedelta(days=60)
    administrator.save(update_fields=["date_joined"])
    client.force_login(administrator)

    response = client.get(ADMIN_INDEX)

    assert "Nobody has signed up in this period." in _text(response)
    assert 'class="chart"' not in response.text


def test_dashboard_figures_count_a_person_with_two_roles_once(db):
    UserFactory(roles=[Role.SUPPORT, Role.ANALYST])
    UserFactory()

    figures = dashboard_figures()

    assert figures["users_total"] == 2
    by_role = {row["role"]: row["total"] for row in figures["users_by_role"]}
    assert by_role["Customers"] == 1
    assert by_role[Role.SUPPORT] == by_role[Role.ANALYST] == 1


def test_dashboard_queries_do_not_grow_with_data(db):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            dashboard_figures()
        return len(captured)

    UserFactory.create_batch(2, roles=[Role.SELLER])
    VendorFactory()
    few = queries()
    UserFactory.create_batch(30, roles=[Role.SELLER])
    VendorFactory.create_batch(10, status=Vendor.Status.SUSPENDED)

    assert queries() == few


def test_seller_sees_own_stores_and_no_platform_figures(client, seller_a, vendor_a, vendor_b):
    client.force_login(seller_a)

    response = client.get(ADMIN_INDEX)

    assert response.status_code == 200
    assert "figures" not in response.context
    text = _text(response)
    assert "Welcome" in text
    assert "Alpha Store" in text
    assert "Bravo Boutique" not in text
    assert "Accounts" not in text and "People by role" not in text
    assert reverse("admin:vendors_vendor_change", args=[vendor_a.pk]) in response.text
    assert f"{reverse('admin:vendors_vendormembership_changelist')}?vendor__id__exact={vendor_a.pk}" in response.text


def test_seller_of_a_suspended_store_gets_no_links_to_it(client, seller_a, vendor_a):
    vendor_a.status = Vendor.Status.SUSPENDED
    vendor_a.save(update_fields=["status"])
    client.force_login(seller_a)

    response = client.get(ADMIN_INDEX)

    assert "This store is suspended" in _text(response)
    assert reverse("admin:vendors_vendor_change", args=[vendor_a.pk]) not in response.text


# --- sidebar per role

VENDOR_LINKS = ["admin:vendors_vendor_changelist", "admin:vendors_vendormembership_changelist"]
PEOPLE_LINKS = ["admin:accounts_user_changelist", "admin:auth_group_changelist"]
TASK_LINKS = ["admin:django_q_schedule_changelist", "admin:django_q_success_changelist",
              "admin:django_q_failure_changelist"]


def _links(client, user) -> set[str]:
    client.force_login(user)
    response = client.get(ADMIN_INDEX)
    assert response.status_code == 200
    return set(re.findall(r'href="([^"?#]+)', response.text))


def test_seller_sidebar_has_vendor_pages_only(client, seller_a):
    links = _links(client, seller_a)

    assert {reverse(name) for name in VENDOR_LINKS} <= links
    assert not {reverse(name) for name in PEOPLE_LINKS + TASK_LINKS} & links


def test_analyst_sidebar_has_no_roles(client, analyst):
    links = _links(client, analyst)

    assert reverse("admin:accounts_user_changelist") in links
    assert reverse("admin:auth_group_changelist") not in links
    assert not {reverse(name) for name in TASK_LINKS} & links


def test_administrator_sidebar_has_every_page(client, administrator):
    links = _links(client, administrator)

    expected = VENDOR_LINKS + PEOPLE_LINKS + TASK_LINKS + ["admin:geo_region_changelist",
                                                           "admin:geo_prefecture_changelist"]
    assert {reverse(name) for name in expected} <= links


# --- environment badge


@pytest.mark.parametrize(
    ("name", "label", "colour"),
    [("development", "Development", "bg-blue-100"), ("staging", "Staging", "bg-orange-100"),
     ("production", "Production", "bg-red-100")],
)
def test_environment_badge(client, settings, administrator, name, label, colour):
    settings.ENVIRONMENT_NAME = name
    client.force_login(administrator)

    response = client.get(ADMIN_INDEX)

    assert re.search(rf'<span class="[^"]*{colour}[^"]*"[^>]*>\s*{label}\s*</span>', response.text)


# --- django-q2 pages


@pytest.fixture
def failed_task(db):
    now = timezone.now()
    return Task.objects.create(id="f" * 32, name="failed-heartbeat", func="apps.core.tasks.heartbeat",
                               started=now, stopped=now, success=False, result="boom")


@pytest.mark.parametrize("model", [Schedule, Success, Failure])
def test_task_admins_are_unfold_admins(model):
    assert isinstance(admin.site._registry[model], UnfoldModelAdmin)


def test_task_pages_render_for_administrator(client, administrator, failed_task):
    client.force_login(administrator)

    for url in ["/admin/django_q/schedule/", "/admin/django_q/success/", "/admin/django_q/failure/",
                f"/admin/django_q/failure/{failed_task.pk}/change/"]:
        assert client.get(url).status_code == 200, url
    add_schedule = client.get("/admin/django_q/schedule/add/")
    assert isinstance(add_schedule.context["adminform"].form.fields["name"].widget, UnfoldAdminTextInputWidget)


def test_task_results_are_read_only(client, administrator, failed_task):
    client.force_login(administrator)
    url = f"/admin/django_q/failure/{failed_task.pk}/change/"

    assert client.get(url).context["has_change_permission"] is False
    assert client.post(url, {"name": "renamed"}).status_code == 403


def test_administrator_resubmits_a_failed_task(client, administrator, failed_task):
    client.force_login(administrator)
    assert 'value="resubmit"' in client.get("/admin/django_q/failure/").text

    # the test settings run django-q2 synchronously, so the task runs again right away
    response = client.post("/admin/django_q/failure/", {"action": "resubmit", "_selected_action": [failed_task.pk]})

    assert response.status_code == 302
    assert not Failure.objects.exists()
    assert Success.objects.filter(func="apps.core.tasks.heartbeat").exists()


def test_manager_views_tasks_but_may_not_resubmit(client, manager, failed_task):
    client.force_login(manager)

    response = client.get("/admin/django_q/failure/")

    assert response.status_code == 200
    assert 'value="resubmit"' not in response.text
    client.post("/admin/django_q/failure/", {"action": "resubmit", "_selected_action": [failed_task.pk]})
    assert Failure.objects.filter(pk=failed_task.pk).exists()
