import json
from pathlib import Path

from django.conf import settings
from django.db import migrations

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "0001_geo_guinea.json"


def load_guinea(apps, schema_editor):
    Region = apps.get_model("geo", "Region")
    Prefecture = apps.get_model("geo", "Prefecture")
    for region_data in json.loads(FIXTURE.read_text(encoding="utf-8"))["regions"]:
        region, _ = Region.objects.update_or_create(code=region_data["code"], defaults={"name": region_data["name"]})
        for prefecture in region_data["prefectures"]:
            Prefecture.objects.update_or_create(
                code=prefecture["code"], defaults={"name": prefecture["name"], "region": region}
            )


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load_guinea, migrations.RunPython.noop)]
