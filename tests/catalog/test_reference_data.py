"""The eleven reference categories come with migrate, each with an icon the customer pages can draw."""

import importlib
import json
from pathlib import Path

from django.apps import apps

from apps.catalog.icons import PATHS
from apps.catalog.models import ServiceCategory

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "0002_service_categories.json"
REFERENCE_SLUGS = {
    "automobile", "loans", "electronics", "hotel", "logistics", "rentals", "car-service", "paperwork", "jewelry",
    "creative-design", "web-development",
}


def _rows():
    return sorted(ServiceCategory.objects.values_list("slug", "name", "icon", "ordering", "parent_id"))


def test_migrate_loads_the_eleven_reference_categories(db):
    rows = _rows()

    assert {slug for slug, *_rest in rows} == REFERENCE_SLUGS
    assert all(name and icon and parent is None for _slug, name, icon, _ordering, parent in rows)
    orderings = [ordering for *_rest, ordering, _parent in rows]
    assert len(set(orderings)) == 11  # a distinct place each: the catalogue lists them in this order


def test_every_reference_icon_can_be_drawn_without_an_icon_font(db):
    assert set(ServiceCategory.objects.values_list("icon", flat=True)) <= PATHS.keys()


def test_loading_the_categories_again_changes_nothing(db):
    migration = importlib.import_module("apps.catalog.migrations.0002_load_service_categories")
    before = _rows()

    migration.load_service_categories(apps, schema_editor=None)

    assert _rows() == before
    assert ServiceCategory.objects.count() == 11


def test_loading_restores_an_edited_reference_category(db):
    ServiceCategory.objects.filter(slug="hotel").update(name="Hotels!", icon="", ordering=999)
    migration = importlib.import_module("apps.catalog.migrations.0002_load_service_categories")

    migration.load_service_categories(apps, schema_editor=None)

    hotel = ServiceCategory.objects.get(slug="hotel")
    expected = next(c for c in json.loads(FIXTURE.read_text())["categories"] if c["slug"] == "hotel")
    assert (hotel.name, hotel.icon, hotel.ordering) == (expected["name"], expected["icon"], expected["ordering"])
