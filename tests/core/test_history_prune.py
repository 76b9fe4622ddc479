"""Old versions are pruned daily past HISTORY_RETENTION_DAYS; the latest version of each object always stays."""

from datetime import timedelta

from django.utils import timezone

from apps.catalog import products
from apps.catalog.models import ServiceCategory
from apps.core.history import history_prune
from apps.site.schedules import SCHEDULES
from apps.core.tasks import prune_history
from tests.factories import ProductFactory, ServiceCategoryFactory, UserFactory


def _age(queryset, days):
    """Move these versions `days` back in time, a second apart, in their order."""
    start = timezone.now() - timedelta(days=days)
    for offset, version in enumerate(queryset.order_by("history_date", "history_id")):
        type(version).objects.filter(history_id=version.history_id).update(
            history_date=start + timedelta(seconds=offset))


def _product_with_versions(vendor, actor, count):
    """A product with `count` versions, oldest first."""
    product = ProductFactory(vendor=vendor)
    for stock in range(count - 1):
        products.product_update(product_id=product.pk, actor=actor, changes={"stock": stock})
    return product


def test_pruning_keeps_the_latest_version_of_each_object_and_recent_ones(vendor_a, manager):
    # given an object whose every version is old, and one with old and recent versions
    forgotten = _product_with_versions(vendor_a, manager, 3)
    _age(forgotten.history.all(), 900)
    busy = _product_with_versions(vendor_a, manager, 4)
    old, recent = list(busy.history.order_by("history_date")[:2]), list(busy.history.order_by("history_date")[2:])
    _age(busy.history.filter(history_id__in=[v.history_id for v in old]), 800)
    latest_forgotten = forgotten.history.latest("history_date").history_id

    # when old history is pruned, a few rows at a time
    deleted = history_prune(older_than_days=730, batch_size=1)

    # then only old versions that are not an object's latest are gone
    assert deleted == 2 + 2
    assert list(forgotten.history.values_list("history_id", flat=True)) == [latest_forgotten]
    assert sorted(busy.history.values_list("history_id", flat=True)) == sorted(v.history_id for v in recent)


def test_the_retention_comes_from_the_settings(vendor_a, manager, settings):
    product = _product_with_versions(vendor_a, manager, 3)
    _age(product.history.all(), 40)

    settings.HISTORY_RETENTION_DAYS = 60
    assert history_prune() == 0
    settings.HISTORY_RETENTION_DAYS = 30
    assert history_prune() == 2
    assert product.history.count() == 1


def test_many_to_many_rows_go_with_their_version(db):
    provider = UserFactory()
    category = ServiceCategoryFactory()
    category.eligible_providers.add(provider)
    category.name = "Renamed"
    category.save()
    _age(category.history.all(), 1000)
    side_table = ServiceCategory.history.model.eligible_providers.model  # one row per provider per version
    assert side_table.objects.count() == 2

    history_prune(older_than_days=730)

    assert category.history.count() == 1
    kept = category.history.get().history_id
    assert set(side_table.objects.values_list("history_id", flat=True)) <= {kept}


def test_the_daily_task_prunes_with_the_configured_retention(vendor_a, manager, settings):
    settings.HISTORY_RETENTION_DAYS = 10
    product = _product_with_versions(vendor_a, manager, 2)
    _age(product.history.all(), 11)

    assert prune_history() == 1
    assert {"name": "history-prune", "func": "apps.core.tasks.prune_history"}.items() <= next(
        spec for spec in SCHEDULES if spec["name"] == "history-prune").items()
