"""Rollups: counts by (wave or none, regency, stage), kept by PostgreSQL triggers.

The triggers (migration 0002) run in the transaction of every change they count, so a
page reads these rows and never counts base tables. Each person's figures are kept too
(PersonFigures): a change recomputes that person's stages from the base tables and adds
the difference to the counts. Rows of people without a regency yet (new sign-ups, all on
one cell otherwise) are spread over SHARDS rows, summed on read.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

#: How many rows share the counts of a cell without a regency (the sign-up surge's cell).
SHARDS = 16


class StageCount(models.Model):
    #: 0: the person funnel (no wave); otherwise a wave's id (no foreign key: derived data).
    wave_id = models.IntegerField(default=0)
    #: "" while the person has no domicile yet.
    regency_code = models.CharField(max_length=5, blank=True)
    stage = models.CharField(max_length=64)
    shard = models.SmallIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wave_id", "regency_code", "stage", "shard"], name="reporting_stage_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}/{self.regency_code}/{self.stage}#{self.shard}: {self.total}"


class SignupHour(models.Model):
    """Accounts created per hour (UTC), by the regency their person has now."""

    hour = models.DateTimeField()
    regency_code = models.CharField(max_length=5, blank=True)
    shard = models.SmallIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hour", "regency_code", "shard"], name="reporting_signup_cell"
            )
        ]
        indexes = [models.Index(fields=["regency_code", "hour"], name="reporting_signup_regency")]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}/{self.regency_code}: {self.total}"


class SignupDay(models.Model):
    """Accounts created per day (Asia/Jakarta), by the regency their person has now: the
    daily chart reads 30 rows a regency, not 720 hourly ones."""

    day = models.DateField()
    regency_code = models.CharField(max_length=5, blank=True)
    shard = models.SmallIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "regency_code", "shard"], name="reporting_signup_day_cell"
            )
        ]
        indexes = [
            models.Index(fields=["regency_code", "day"], name="reporting_signup_day_regency")
        ]

    def __str__(self) -> str:
        return f"{self.day}/{self.regency_code}: {self.total}"


class PersonFigures(models.Model):
    """What one participant counts under now: the triggers' memory of the last count."""

    user_id = models.BigIntegerField(primary_key=True)
    regency_code = models.CharField(max_length=5, blank=True)
    joined_hour = models.DateTimeField()
    #: Bit n set: the person reached the n-th Stage.
    stages = models.IntegerField()
    #: "<wave id>|<regency>|<figure>" of each of the person's wave applications.
    wave_cells = ArrayField(models.TextField(), default=list)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.stages:b}"
