"""The two schemes the programme has run, as version 1 of each (DOMAIN.md).

2020: the semi-social-assistance scheme (Perpres 36/2020 amended by 76/2020), 18 and
older, Rp 1,000,000 of training, Rp 600,000 a month for 4 months plus 3 survey payments
of Rp 50,000, 30 days to buy the first training, other social-assistance recipients
excluded. 2023: the normal scheme (Perpres 113/2022, Permenko 17/2022), ages 18-64,
Rp 3,500,000 of training, Rp 600,000 once plus 2 survey payments of Rp 100,000, 15 days.
Both exclude earlier recipients and take at most 2 recipients per family card (KK).
"""

import datetime as dt

from django.db import migrations

SCHEMES = [
    {
        "code": "2020",
        "name": "Skema semi-bantuan sosial 2020",
        "valid_from": dt.date(2020, 3, 20),
        "min_age": 18,
        "max_age": None,
        "training_balance": 1_000_000,
        "incentive_schedule": {
            "monthly": {"amount": 600_000, "months": 4},
            "survey": {"amount": 50_000, "count": 3},
        },
        "first_purchase_days": 30,
        "excludes_social_assistance_recipients": True,
        "excludes_earlier_recipients": True,
    },
    {
        "code": "2023",
        "name": "Skema normal 2023",
        "valid_from": dt.date(2023, 1, 1),
        "min_age": 18,
        "max_age": 64,
        "training_balance": 3_500_000,
        "incentive_schedule": {
            "monthly": {"amount": 600_000, "months": 1},
            "survey": {"amount": 100_000, "count": 2},
        },
        "first_purchase_days": 15,
        "excludes_social_assistance_recipients": False,
        "excludes_earlier_recipients": True,
    },
]
COMMON = {
    "version": 1,
    "max_recipients_per_kk": 2,
    "test_pass_mark": 60,
    "test_duration_minutes": 15,
    "test_question_count": 18,
    "revision_note": "Shipped with Bekal",
}


def ship(apps, schema_editor):
    Scheme = apps.get_model("programmes", "Scheme")
    for fields in SCHEMES:
        Scheme.objects.get_or_create(
            code=fields["code"], version=1, defaults={**COMMON, **fields}
        )


def unship(apps, schema_editor):
    Scheme = apps.get_model("programmes", "Scheme")
    Scheme.objects.filter(code__in=[s["code"] for s in SCHEMES], version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_schemes_waves_exclusion_lists")]

    operations = [migrations.RunPython(ship, unship)]
