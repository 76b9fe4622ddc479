"""History everywhere: every business model keeps versions with who wrote them; diff and revert in the admin."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from djmoney.money import Money

from apps.accounts.roles import Role
from apps.catalog import products
from apps.catalog.models import Product, ServiceCategory
from apps.core.history import HistoryError, history_revert, is_tracked
from apps.geo.models import Region
from tests.core.isolation import VENDOR_OBJECT_FACTORIES, revert_violations, vendor_owned_registrations
from tests.factories import ProductFactory, ServiceCategoryFactory, UserFactory

# Registered in the admin (directly or as an inline) but deliberately without history: each is either
# an append-only record that is its own history, derived data, or a third-party model we do not own.
NOT_HISTORY_TRACKED = {
    # append-only logs and ledgers: rows are written once and never edited
    "payments.PaymentEvent": "webhook log",
    "loyalty.LoyaltyEntry": "points ledger",
    "loyalty.LoyaltyAccount": "cached sum of the ledger, rewritten with each ledger line",
    "promotions.PromoRedemption": "one row per use of a code",
    "servicedesk.StatusChange": "a request's timeline",
    "orders.OrderStatusChange": "an order's timeline",
    "orders.OrderItem": "order lines, priced once at checkout and never edited",
    "notifications.Notification": "in-app messages sent to people",
    "returns.ReturnStatusChange": "a return's timeline",
    "delivery.CourierEarning": "a courier's earnings ledger",
    "delivery.CourierRating": "a buyer's mark, written once and never edited",
    "accounts.LoginEvent": "the sign-in audit, written once by the authentication signals",
    # third-party and framework tables
    "auth.Group": "roles, synced from apps/accounts/roles.py on every migrate",
    "account.EmailAddress": "allauth's own records",
    "mfa.Authenticator": "allauth two-factor secrets",
    "django_q.Schedule": "synced from apps/core/schedules.py",
    "django_q.Success": "task results",
    "django_q.Failure": "task results",
    "django_q.OrmQ": "the task queue",
    "exchange.ExchangeBackend": "django-money's rate source (name, last refresh); its rates keep history",
}


def _admin_models():
    """Every model a back-office user can open: registered admins and their inlines."""
    found = set()
    for model, model_admin in admin.site._registry.items():
        found.add(model)
        found.update(inline.model for inline in model_admin.inlines)
    return found


def test_every_business_model_in_the_admin_keeps_history():
    untracked = sorted(model._meta.label for model in _admin_models()
                       if not is_tracked(model) and model._meta.label not in NOT_HISTORY_TRACKED)
    assert untracked == []


def test_the_exclusion_list_names_only_models_that_exist_untracked():
    from django.apps import apps

    labels = {model._meta.label: model for model in apps.get_models()}
    stale = sorted(label for label in NOT_HISTORY_TRACKED if label in labels and is_tracked(labels[label]))
    assert stale == []


# --- who wrote each version
def test_an_admin_save_records_the_acting_user(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("admin:geo_region_add"), {
        "name": "Boké", "code": "boke",
        "prefectures-TOTAL_FORMS": "0", "prefectures-INITIAL_FORMS": "0",
        "prefectures-MIN_NUM_FORMS": "0", "prefectures-MAX_NUM_FORMS": "1000"})

    assert response.status_code == 302
    version = Region.objects.get(code="boke").history.get()
    assert (version.history_type, version.history_user) == ("+", administrator)


def test_an_admin_import_records_the_acting_user(client, administrator):
    client.force_login(administrator)
    upload = SimpleUploadedFile("categories.csv", b"name,slug,icon,ordering\nGarden,garden,yard,3\n",
                                content_type="text/csv")

    preview = client.post(reverse("admin:catalog_servicecategory_import"),
                          {"resource": "0", "format": "0", "import_file": upload})
    assert preview.status_code == 200 and not ServiceCategory.objects.filter(slug="garden").exists()
    confirm = preview.context["confirm_form"].initial
    client.post(reverse("admin:catalog_servicecategory_process_import"), confirm)

    version = ServiceCategory.objects.get(slug="garden").history.get()
    assert version.history_user == administrator


def test_a_service_outside_a_request_records_its_actor(seller_a, vendor_a):
    product = ProductFactory(vendor=vendor_a)

    products.product_update(product_id=product.pk, actor=seller_a, changes={"stock": 3})

    assert product.history.latest("history_date").history_user == seller_a


def test_signing_in_writes_no_version_but_real_changes_do(client, manager):
    versions = manager.history.count()

    client.force_login(manager)  # saves last_login only, which history leaves out
    assert manager.history.count() == versions

    manager.refresh_from_db()
    manager.full_name = "Renamed Manager"
    manager.save(update_fields=["full_name", "last_login"])
    assert manager.history.count() == versions + 1


# --- the history page: a readable diff between consecutive versions
def test_the_history_page_shows_each_changed_field_readably(client, manager, vendor_a):
    kitchen, garden = ServiceCategoryFactory(name="Kitchen"), ServiceCategoryFactory(name="Garden")
    product = ProductFactory(vendor=vendor_a, name="Kettle", category=kitchen, price=Money(195_000, "GNF"))
    products.product_update(product_id=product.pk, actor=manager,
                            changes={"price": Money(210_000, "GNF"), "category": garden})
    client.force_login(manager)

    response = client.get(reverse("admin:catalog_product_history", args=[product.pk]))

    assert response.status_code == 200
    changes = response.context["page_obj"][0].history_delta_changes
    assert {(c.label, c.old, c.new) for c in changes} == {
        ("Price", "195,000\xa0GNF", "210,000\xa0GNF"),  # money formatted, currency and amount as one field
        ("Category", "Kitchen", "Garden"),  # related objects by name
        ("Moderation", "Approved", "Pending review"),  # choices by label
    }
    body = response.content.decode()
    assert "210,000\xa0GNF" in body and "Pending review" in body and manager.email in body


def test_many_to_many_changes_list_the_related_objects(client, administrator):
    provider = UserFactory(full_name="Mariama Bah")
    category = ServiceCategoryFactory(name="Plumbing")
    category.eligible_providers.add(provider)
    client.force_login(administrator)

    response = client.get(reverse("admin:catalog_servicecategory_history", args=[category.pk]))

    changes = response.context["page_obj"][0].history_delta_changes
    assert [(c.label, c.old, c.new) for c in changes] == [("Eligible providers", "—", str(provider))]


# --- reverting
def _product_with_two_versions(vendor, actor):
    """A product first approved as "Kettle", edited by actor, then approved again: its first version is older."""
    product = ProductFactory(vendor=vendor, name="Kettle", slug=f"kettle-{vendor.slug}", price=Money(195_000, "GNF"),
                             stock=5)
    first = product.history.get()
    products.product_update(product_id=product.pk, actor=actor,
                            changes={"name": "Kettle 2000", "price": Money(250_000, "GNF"), "stock": 9})
    products.product_approve(product_id=product.pk, moderator=UserFactory(roles=[Role.SUPPORT]))
    return product, first


def _revert_url(obj, version):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history_revert", args=[obj.pk,
                                                                                              version.history_id])


def test_reverting_a_product_to_an_earlier_version_restores_its_fields_and_is_itself_recorded_in_history(
        client, manager, vendor_a):
    # given a product edited and approved since its first version
    product, first = _product_with_two_versions(vendor_a, manager)
    client.force_login(manager)

    # when the manager opens the confirmation, then confirms
    confirm = client.get(_revert_url(product, first))
    assert confirm.status_code == 200
    assert {c.label for c in confirm.context["plan"].restored} == {"Name", "Price", "Stock"}
    product.refresh_from_db()
    assert product.name == "Kettle 2000"  # the confirmation page changes nothing
    response = client.post(_revert_url(product, first))

    # then the fields are back, through the product's own rules (new content goes back to review)
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.price, product.stock) == ("Kettle", Money(195_000, "GNF"), 5)
    assert product.moderation_status == Product.Moderation.PENDING
    # and the revert is a version of its own, by the manager, saying what it was
    latest = product.history.latest("history_date")
    assert (latest.history_type, latest.history_user) == ("~", manager)
    assert latest.history_change_reason.startswith("Reverted to version of ")
    assert latest.history_change_reason.endswith(f"by {manager}")
    history_page = client.get(reverse("admin:catalog_product_history", args=[product.pk])).content.decode()
    assert "Reverted to version of" in history_page


def test_a_value_now_taken_by_another_object_is_left_as_it_is_and_the_rest_restored(client, manager, vendor_a):
    product = ProductFactory(vendor=vendor_a, name="Kettle", slug="kettle", stock=5)
    first = product.history.get()
    products.product_update(product_id=product.pk, actor=manager, changes={"slug": "kettle-v2", "stock": 9})
    ProductFactory(vendor=vendor_a, slug="kettle")  # another product took the old slug
    client.force_login(manager)

    response = client.post(_revert_url(product, first), follow=True)

    product.refresh_from_db()
    assert (product.slug, product.stock) == ("kettle-v2", 5)
    notes = [str(message) for message in response.context["messages"]]
    assert any("Slug was left as it is" in note and "already exists" in note for note in notes)


def test_nothing_to_restore_is_said_and_writes_no_version(client, manager, vendor_a):
    product = ProductFactory(vendor=vendor_a)
    client.force_login(manager)

    response = client.post(_revert_url(product, product.history.get()), follow=True)

    assert product.history.count() == 1
    assert any("Nothing to restore" in str(message) for message in response.context["messages"])


def test_a_refused_save_writes_nothing(manager, vendor_a):
    product, first = _product_with_two_versions(vendor_a, manager)
    versions = product.history.count()

    def failing_save(obj, values):
        obj.save()  # the first write goes through, then the database refuses the next one
        raise IntegrityError("simulated")

    with pytest.raises(HistoryError, match="Nothing was changed"):
        history_revert(obj=product, version=first, actor=manager, fields=["name", "price", "stock"],
                       save=failing_save)

    product.refresh_from_db()
    assert (product.name, product.history.count()) == ("Kettle 2000", versions)


def test_reverting_needs_the_revert_permission(client, seller_a, vendor_a):
    # given a seller who may edit their product but was not given core.revert_history
    product, first = _product_with_two_versions(vendor_a, seller_a)
    client.force_login(seller_a)

    # then neither the confirmation nor the revert is open to them, and nothing changes
    assert client.get(_revert_url(product, first)).status_code == 403
    assert client.post(_revert_url(product, first)).status_code == 403
    product.refresh_from_db()
    assert product.name == "Kettle 2000"
    history_page = client.get(reverse("admin:catalog_product_history", args=[product.pk]))
    assert history_page.status_code == 200 and "Revert to this version" not in history_page.content.decode()


def test_an_analyst_who_only_reads_cannot_revert(client, manager, vendor_a):
    analyst = UserFactory(roles=[Role.ANALYST])
    product, first = _product_with_two_versions(vendor_a, manager)
    client.force_login(analyst)

    assert client.post(_revert_url(product, first)).status_code == 403


def test_the_revert_permission_belongs_to_managers_and_administrators(manager, administrator):
    assert manager.has_perm("core.revert_history") and administrator.has_perm("core.revert_history")
    assert not UserFactory(roles=[Role.SUPPORT]).has_perm("core.revert_history")
    assert not UserFactory(roles=[Role.SELLER]).has_perm("core.revert_history")


def test_the_version_page_offers_revert_but_its_own_form_post_is_refused(client, manager, vendor_a):
    product, first = _product_with_two_versions(vendor_a, manager)
    client.force_login(manager)
    url = reverse("admin:catalog_product_simple_history", args=[product.pk, first.history_id])

    page = client.get(url)
    assert page.status_code == 200 and _revert_url(product, first) in page.content.decode()
    # simple-history's built-in revert re-posts the whole old form, past the rules above
    assert client.post(url, {"name": "Kettle", "slug": "kettle"}).status_code == 405
    product.refresh_from_db()
    assert product.name == "Kettle 2000"


def test_a_version_of_another_object_cannot_be_applied(client, manager, vendor_a):
    product = ProductFactory(vendor=vendor_a)
    other = ProductFactory(vendor=vendor_a, name="Other")

    client.force_login(manager)
    assert client.get(_revert_url(product, other.history.get())).status_code == 404


# --- vendor scope: seller A, even when allowed to revert, cannot reach seller B's objects
# models without a factory are reported by test_vendor_isolation's own completeness check
REGISTRATIONS = [(model, model_admin) for model, model_admin in vendor_owned_registrations()
                 if model._meta.label in VENDOR_OBJECT_FACTORIES]


def _grant_revert(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="core", codename="revert_history"))


@pytest.mark.parametrize(("model", "model_admin"), REGISTRATIONS, ids=[m._meta.label for m, _ in REGISTRATIONS])
def test_seller_a_cannot_revert_seller_b_objects(client, seller_a, vendor_a, vendor_b, model, model_admin):
    _grant_revert(seller_a)
    obj_b = VENDOR_OBJECT_FACTORIES[model._meta.label](vendor_b)
    client.force_login(seller_a)

    assert revert_violations(client, model, obj_b, [vendor_b.name, str(obj_b)]) == []


def test_seller_with_the_permission_reverts_their_own_product(client, seller_a, vendor_a):
    _grant_revert(seller_a)
    product, first = _product_with_two_versions(vendor_a, seller_a)
    client.force_login(seller_a)

    assert client.post(_revert_url(product, first)).status_code == 302
    product.refresh_from_db()
    assert product.name == "Kettle"


def test_the_revert_check_catches_an_admin_without_the_scoping_mixin(
        client, seller_a, vendor_a, vendor_b, monkeypatch, settings):
    from tests.core.test_vendor_isolation import _serve_admin_site_with

    from apps.core.admin import BaseAdmin

    plain = type("PlainAdmin", (BaseAdmin,), {})(Product, admin.site)
    monkeypatch.setitem(admin.site._registry, Product, plain)
    _serve_admin_site_with(plain, Product, monkeypatch, settings)
    _grant_revert(seller_a)
    product_b, _first = _product_with_two_versions(vendor_b, seller_a)
    client.force_login(seller_a)

    assert "revert (get): 200" in revert_violations(client, Product, product_b, [vendor_b.name, str(product_b)])
