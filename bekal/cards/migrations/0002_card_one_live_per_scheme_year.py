"""One live card per person and scheme year, refused by the database itself.

Cards get their scheme's year (Scheme.code) in a column of their own, filled here from
their scheme; a partial unique index on (user, scheme year) over offered and active cards
then refuses a second one. On a database that already holds two live cards of one person
in one scheme year the index cannot be built and the migration stops: revoke one first.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cards", "0001_cards_and_announcements"),
    ]

    operations = [
        migrations.AddField(
            model_name="card",
            name="scheme_code",
            field=models.CharField(default="", max_length=16),
            preserve_default=False,
        ),
        migrations.RunSQL(
            "UPDATE cards_card c SET scheme_code = s.code"
            " FROM programmes_scheme s WHERE s.id = c.scheme_id",
            migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name="card",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["offered", "active"])),
                fields=("user", "scheme_code"),
                name="cards_card_one_live_per_scheme_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="card",
            constraint=models.CheckConstraint(
                condition=models.Q(("scheme_code", ""), _negated=True),
                name="cards_card_scheme_code_set",
            ),
        ),
    ]
