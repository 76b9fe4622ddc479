import json
from pathlib import Path

from django.conf import settings
from django.db import migrations

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "0002_service_categories.json"


def load_service_categories(apps, schema_editor):
    ServiceCategory = apps.get_model("catalog", "ServiceCategory")
    for category in json.loads(FIXTURE.read_text(encoding="utf-8"))["categories"]:
        ServiceCategory.objects.update_or_create(
            slug=category["slug"],
            defaults={"name": category["name"], "icon": category["icon"], "ordering": category["ordering"]},
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load_service_categories, migrations.RunPython.noop)]
