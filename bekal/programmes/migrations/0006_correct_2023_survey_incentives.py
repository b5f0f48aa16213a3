"""Version 2 of the 2023 scheme: the survey incentives corrected.

The 2023 normal scheme pays Rp 600,000 once plus 2 survey payments of Rp 50,000
(Rp 100,000 in all); version 1 shipped 2 x Rp 100,000. Version 1 stays as it ran; the
payouts read the latest version of a card's scheme year (docs/decisions/0009). The
version is copied here, field by field, as the migration ran.
"""

from django.db import migrations

COPIED = (
    "name", "valid_from", "min_age", "max_age", "training_balance", "max_course_price",
    "first_purchase_days", "excludes_social_assistance_recipients", "social_assistance_from",
    "social_assistance_to", "excludes_earlier_recipients", "max_recipients_per_kk",
    "test_pass_mark", "test_duration_minutes", "test_question_count",
)
NOTE = "Insentif survei 2 x Rp 50.000 (Rp 100.000), bukan 2 x Rp 100.000"
SCHEDULE = {"monthly": {"amount": 600_000, "months": 1}, "survey": {"amount": 50_000, "count": 2}}


def ship_2023_v2(apps, schema_editor):
    Scheme = apps.get_model("programmes", "Scheme")
    latest = Scheme.objects.filter(code="2023").order_by("-version").first()
    if latest is None or Scheme.objects.filter(code="2023", revision_note=NOTE).exists():
        return
    if latest.incentive_schedule == SCHEDULE:
        return
    Scheme.objects.create(
        code="2023",
        version=latest.version + 1,
        incentive_schedule=SCHEDULE,
        revision_note=NOTE,
        **{field: getattr(latest, field) for field in COPIED},
    )


def unship_2023_v2(apps, schema_editor):
    Scheme = apps.get_model("programmes", "Scheme")
    Scheme.objects.filter(code="2023", revision_note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0005_wave_opening_notices")]

    operations = [migrations.RunPython(ship_2023_v2, unship_2023_v2)]
