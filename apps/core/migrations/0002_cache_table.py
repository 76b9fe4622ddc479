from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The default cache lives in the database (rate limits shared by web and worker processes);
    # creating its table here means `migrate` alone prepares a new database.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
