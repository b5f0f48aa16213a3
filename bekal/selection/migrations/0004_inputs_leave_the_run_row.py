"""The canonical inputs live in file storage now (0003 moved them there)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0003_proof_log_and_published_files"),
    ]

    operations = [
        migrations.RemoveField(model_name="selectionrun", name="inputs_json"),
    ]
