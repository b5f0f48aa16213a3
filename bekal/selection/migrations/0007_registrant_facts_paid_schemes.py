import django.contrib.postgres.fields
from django.db import migrations, models

# The facts of people already paid: the schemes of their paid instalments.
BACKFILL = """
    UPDATE selection_registrantfacts f SET paid_schemes = d.codes
    FROM (
        SELECT i.user_id, array_agg(DISTINCT s.code ORDER BY s.code) AS codes
        FROM disbursements_instalment i
        JOIN programmes_scheme s ON s.id = i.scheme_id
        WHERE i.status = 'paid'
        GROUP BY i.user_id
    ) d
    WHERE d.user_id = f.user_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0006_runs_cancelled_before_publication"),
        ("disbursements", "0001_payout_accounts_instalments_batches_attempts"),
    ]

    operations = [
        migrations.AddField(
            model_name="registrantfacts",
            name="paid_schemes",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=16), blank=True, default=list, size=None
            ),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
