from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The database cache (used when REDIS_URL is unset) needs its table; createcachetable
    # is idempotent, so migrating always leaves a working cache.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_log")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
