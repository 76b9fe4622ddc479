import json
from pathlib import Path

from django.conf import settings
from django.db import migrations

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "0003_geo_conakry.json"


def load_conakry(apps, schema_editor):
    Prefecture = apps.get_model("geo", "Prefecture")
    Neighbourhood = apps.get_model("geo", "Neighbourhood")
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    prefecture = Prefecture.objects.get(code=data["prefecture"])
    for commune in data["communes"]:
        for neighbourhood in commune["neighbourhoods"]:
            Neighbourhood.objects.update_or_create(code=neighbourhood["code"], defaults={
                "name": neighbourhood["name"], "prefecture": prefecture, "commune": commune["name"],
                "latitude": neighbourhood["latitude"], "longitude": neighbourhood["longitude"]})


class Migration(migrations.Migration):
    dependencies = [("geo", "0004_neighbourhood")]
    operations = [migrations.RunPython(load_conakry, migrations.RunPython.noop)]
