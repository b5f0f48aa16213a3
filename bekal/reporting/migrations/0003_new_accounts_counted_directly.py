"""New accounts are counted without recounting their person.

A new account has no profile, test, application or card yet (those rows reference it
and come later, with triggers of their own), so what it counts under is known from the
row itself: the account stage, the email stage if confirmed already, its hour, no
regency. The sign-up surge's insert skips reporting_person_now (bench-dashboards: sign-up
inserts with the triggers on). Updates and deletes still recount.
"""

from django.db import migrations

INSTALL = r"""
CREATE OR REPLACE FUNCTION reporting_touch_accounts_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH fresh AS (
      SELECT id AS user_id, date_trunc('hour', date_joined) AS hour,
             1 | CASE WHEN email_confirmed_at IS NOT NULL THEN 2 ELSE 0 END AS stages
      FROM new_rows WHERE role = 'participant'
    ), cells AS (
      SELECT k.key AS stage, reporting_shard('', f.user_id) AS shard, count(*) AS d
      FROM fresh f JOIN unnest(reporting_stage_keys()) WITH ORDINALITY AS k(key, n)
        ON f.stages & (1 << (k.n - 1)::integer) <> 0
      GROUP BY 1, 2
    ), counted AS (
      INSERT INTO reporting_stagecount AS s (wave_id, regency_code, stage, shard, total)
      SELECT 0, '', stage, shard, d FROM cells ORDER BY 3, 4
      ON CONFLICT (wave_id, regency_code, stage, shard)
        DO UPDATE SET total = s.total + EXCLUDED.total
      RETURNING 1
    ), hourly AS (
      INSERT INTO reporting_signuphour AS h (hour, regency_code, shard, total)
      SELECT hour, '', reporting_shard('', user_id), count(*) FROM fresh
      GROUP BY 1, 3 ORDER BY 1, 3
      ON CONFLICT (hour, regency_code, shard) DO UPDATE SET total = h.total + EXCLUDED.total
      RETURNING 1
    )
    INSERT INTO reporting_personfigures (user_id, regency_code, joined_hour, stages, wave_cells)
    SELECT user_id, '', hour, stages, '{}' FROM fresh ORDER BY user_id;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM reporting_refresh(ARRAY(SELECT DISTINCT r.id FROM old_rows r));
  ELSE
    PERFORM reporting_refresh(ARRAY(
      SELECT DISTINCT v.uid FROM new_rows n JOIN old_rows o ON o.id = n.id
      CROSS JOIN LATERAL (VALUES (n.id), (o.id)) AS v(uid)
      WHERE ROW(n.email_confirmed_at, n.date_joined, n.role)
            IS DISTINCT FROM ROW(o.email_confirmed_at, o.date_joined, o.role)));
  END IF;
  RETURN NULL;
END $$;
"""

UNINSTALL = r"""
CREATE OR REPLACE FUNCTION reporting_touch_accounts_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM reporting_refresh(ARRAY(SELECT DISTINCT r.id FROM new_rows r));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM reporting_refresh(ARRAY(SELECT DISTINCT r.id FROM old_rows r));
  ELSE
    PERFORM reporting_refresh(ARRAY(
      SELECT DISTINCT v.uid FROM new_rows n JOIN old_rows o ON o.id = n.id
      CROSS JOIN LATERAL (VALUES (n.id), (o.id)) AS v(uid)
      WHERE ROW(n.email_confirmed_at, n.date_joined, n.role)
            IS DISTINCT FROM ROW(o.email_confirmed_at, o.date_joined, o.role)
        AND v.uid IS NOT NULL));
  END IF;
  RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_rollup_triggers")]

    operations = [migrations.RunSQL(INSTALL, UNINSTALL)]
