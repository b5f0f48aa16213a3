"""The recount: the rollups compared with a count from the base tables, and repaired.

The triggers keep the rollups in step in each change's transaction; this recount is the
check that nothing slipped past them (a bulk load with triggers off, a hand edit, a new
table a stage depends on). One SQL statement reads both sides in one snapshot, so writes
going on meanwhile cause no false drift.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import connection, transaction

from bekal.core.audit import record_event

logger = logging.getLogger(__name__)

#: The wave_id under which sign-ups are compared: per hour ("signups:<UTC hour>") and per
#: day ("signups:<Jakarta date>").
SIGNUPS = -1

_RECOUNT = """
WITH fresh AS MATERIALIZED (
  SELECT * FROM reporting_person_now(NULL)
), expected AS (
  SELECT 0 AS wave_id, f.regency_code, k.key AS stage, count(*)::bigint AS total
  FROM fresh f JOIN unnest(reporting_stage_keys()) WITH ORDINALITY AS k(key, n)
    ON f.stages & (1 << (k.n - 1)::integer) <> 0
  GROUP BY 1, 2, 3
  UNION ALL
  SELECT split_part(c, '|', 1)::integer, split_part(c, '|', 2), split_part(c, '|', 3), count(*)
  FROM fresh f, unnest(f.wave_cells) AS c GROUP BY 1, 2, 3
  UNION ALL
  SELECT -1, f.regency_code,
         'signups:' || to_char(f.joined_hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24'), count(*)
  FROM fresh f GROUP BY 1, 2, 3
  UNION ALL
  SELECT -1, f.regency_code,
         'signups:' || ((date_trunc('day', f.joined_hour AT TIME ZONE 'Asia/Jakarta'))::date)::text,
         count(*)
  FROM fresh f GROUP BY 1, 2, 3
), counted AS (
  SELECT wave_id, regency_code, stage, sum(total)::bigint AS total
  FROM reporting_stagecount GROUP BY 1, 2, 3
  UNION ALL
  SELECT -1, regency_code, 'signups:' || to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24'),
         sum(total)::bigint
  FROM reporting_signuphour GROUP BY 1, 2, 3
  UNION ALL
  SELECT -1, regency_code, 'signups:' || day::text, sum(total)::bigint
  FROM reporting_signupday GROUP BY 1, 2, 3
)
SELECT coalesce(e.wave_id, c.wave_id), coalesce(e.regency_code, c.regency_code),
       coalesce(e.stage, c.stage), coalesce(e.total, 0), coalesce(c.total, 0)
FROM expected e FULL JOIN counted c
  ON c.wave_id = e.wave_id AND c.regency_code = e.regency_code AND c.stage = e.stage
WHERE coalesce(e.total, 0) <> coalesce(c.total, 0)
ORDER BY 1, 2, 3
"""


@dataclass(frozen=True)
class Drift:
    #: 0: the person funnel; -1: sign-ups per hour; otherwise a wave's id.
    wave_id: int
    regency_code: str
    stage: str
    expected: int
    counted: int


@dataclass(frozen=True)
class RecountReport:
    drifts: list[Drift]
    repaired: bool


def find_drift() -> list[Drift]:
    """Every cell whose rollup differs from a count of the base tables (none: [])."""
    with connection.cursor() as cursor:
        cursor.execute(_RECOUNT)
        return [Drift(*row) for row in cursor.fetchall()]


@transaction.atomic
def recount_figures(*, repair: bool = False, actor: object = None) -> RecountReport:
    """Compare the rollups with the base tables; with `repair`, count them all again
    (writers wait meanwhile). Audited; drift is logged as a warning."""
    drifts = find_drift()
    repaired = bool(drifts) and repair
    if repaired:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reporting_rebuild()")
    if drifts:
        logger.warning("Rollup drift in %d cells (repaired: %s)", len(drifts), repaired)
    record_event(
        action="figures.recounted",
        actor=actor,
        drift_cells=len(drifts),
        drift_total=sum(abs(d.expected - d.counted) for d in drifts),
        repaired=repaired,
    )
    return RecountReport(drifts=drifts, repaired=repaired)
