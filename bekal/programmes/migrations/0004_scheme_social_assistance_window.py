"""The window in which other social assistance excludes, and version 2 of the 2020 scheme
that states it.

The 2020 scheme excludes recipients of other social assistance "during the pandemic"
(Perpres 36/2020): version 2 counts any social-assistance entry valid from 31 March 2020
(Keppres 11/2020, the COVID-19 public-health emergency) up to a wave's closing date.
Version 1 stays as it was: its waves were decided on the closing date alone. The
version is copied here, field by field, as the migration ran.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations, models

WINDOW_FROM = dt.date(2020, 3, 31)
COPIED = (
    "name", "valid_from", "min_age", "max_age", "training_balance", "incentive_schedule",
    "max_course_price", "first_purchase_days", "excludes_social_assistance_recipients",
    "excludes_earlier_recipients", "max_recipients_per_kk", "test_pass_mark",
    "test_duration_minutes", "test_question_count",
)
NOTE = "Bantuan sosial lain dihitung selama pandemi (sejak 31-03-2020)"


def ship_2020_v2(apps, schema_editor):
    Scheme = apps.get_model("programmes", "Scheme")
    v1 = Scheme.objects.filter(code="2020", version=1).first()
    if v1 is None or Scheme.objects.filter(code="2020", version=2).exists():
        return
    Scheme.objects.create(
        code="2020",
        version=2,
        social_assistance_from=WINDOW_FROM,
        revision_note=NOTE,
        **{field: getattr(v1, field) for field in COPIED},
    )


def unship_2020_v2(apps, schema_editor):
    Scheme = apps.get_model("programmes", "Scheme")
    Scheme.objects.filter(code="2020", version=2, revision_note=NOTE).delete()



class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0003_scheme_max_course_price'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='scheme',
            name='social_assistance_from',
            field=models.DateField(blank=True, null=True, verbose_name='other social assistance counts from'),
        ),
        migrations.AddField(
            model_name='scheme',
            name='social_assistance_to',
            field=models.DateField(blank=True, null=True, verbose_name='other social assistance counts until'),
        ),
        migrations.AddConstraint(
            model_name='scheme',
            constraint=models.CheckConstraint(condition=models.Q(('social_assistance_from__isnull', True), ('social_assistance_to__isnull', True), ('social_assistance_to__gte', models.F('social_assistance_from')), _connector='OR'), name='programmes_scheme_assistance_window'),
        ),
        migrations.RunPython(ship_2020_v2, unship_2020_v2),
    ]
