"""The triggers that keep the rollups in step with the base tables, then the first count.

Every table a funnel stage or a wave figure derives from has three statement-level
triggers (insert, update, delete) with transition tables: the people a statement touched
are recounted set-based (reporting_refresh), in the statement's transaction, so a
selection run updating 164,000 applications recounts them in one pass. This migration
carries its own copy of the SQL: it stays as it ran.
"""

from django.db import migrations

STAGE_KEYS = (
    "account",
    "email_confirmed",
    "identity_verified",
    "documents",
    "phone",
    "declaration",
    "test_passed",
    "joined_wave",
    "selected",
    "card_accepted",
    "training_bought",
    "training_completed",
    "incentive_paid",
    "revoked",
)

FUNCTIONS = r"""
CREATE FUNCTION reporting_stage_keys() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY[%(keys)s]::text[]
$$;

-- Rows of people without a regency yet are spread over 16 shards (the sign-up cell).
CREATE FUNCTION reporting_shard(regency varchar, uid bigint) RETURNS smallint
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN regency = '' THEN (uid %% 16)::smallint ELSE 0::smallint END
$$;

-- What each participant counts under now, from the base tables (all when uids is NULL).
-- Bit n of `stages` is the n-th key of reporting_stage_keys(); bit 12 (incentive paid)
-- stays 0 until payouts exist.
CREATE FUNCTION reporting_person_now(uids bigint[])
RETURNS TABLE(user_id bigint, regency_code varchar, joined_hour timestamptz, stages integer,
              wave_cells text[])
LANGUAGE sql STABLE AS $$
SELECT u.id,
  coalesce(p.domicile_regency_id, '')::varchar,
  date_trunc('hour', u.date_joined),
  1
  | CASE WHEN u.email_confirmed_at IS NOT NULL THEN 2 ELSE 0 END
  | CASE WHEN EXISTS (SELECT 1 FROM registration_identitycheck c
                      WHERE c.profile_id = p.id AND c.status = 'verified') THEN 4 ELSE 0 END
  | CASE WHEN (SELECT count(DISTINCT d.kind) FROM identity_identitydocument d
               WHERE d.owner_id = u.id AND d.replaced_at IS NULL) >= 2 THEN 8 ELSE 0 END
  | CASE WHEN EXISTS (SELECT 1 FROM accounts_verifiedphone v
                      WHERE v.user_id = u.id AND v.replaced_at IS NULL) THEN 16 ELSE 0 END
  | CASE WHEN EXISTS (SELECT 1 FROM registration_declaration x
                      WHERE x.user_id = u.id) THEN 32 ELSE 0 END
  | CASE WHEN EXISTS (SELECT 1 FROM assessment_attempt t
                      WHERE t.user_id = u.id AND t.passed) THEN 64 ELSE 0 END
  | CASE WHEN EXISTS (SELECT 1 FROM programmes_waveapplication a
                      WHERE a.user_id = u.id) THEN 128 ELSE 0 END
  | CASE WHEN EXISTS (SELECT 1 FROM programmes_waveapplication a
                      WHERE a.user_id = u.id AND a.selected) THEN 256 ELSE 0 END
  | CASE WHEN EXISTS (SELECT 1 FROM cards_card k
                      WHERE k.user_id = u.id AND k.accepted_at IS NOT NULL) THEN 512 ELSE 0 END
  | CASE WHEN EXISTS (SELECT 1 FROM marketplace_purchase b
                      WHERE b.user_id = u.id AND b.status <> 'refunded') THEN 1024 ELSE 0 END
  | CASE WHEN EXISTS (SELECT 1 FROM marketplace_purchase b
                      JOIN marketplace_completion m ON m.purchase_id = b.id
                      WHERE b.user_id = u.id) THEN 2048 ELSE 0 END
  | CASE WHEN EXISTS (SELECT 1 FROM cards_card k
                      WHERE k.user_id = u.id AND k.status = 'revoked') THEN 8192 ELSE 0 END,
  ARRAY(
    SELECT a.wave_id::text || '|' || a.regency_id || '|' || s.figure
    FROM programmes_waveapplication a
    LEFT JOIN selection_eligibilitydecision e ON e.application_id = a.id
    LEFT JOIN cards_card k ON k.user_id = a.user_id AND k.wave_id = a.wave_id
    CROSS JOIN LATERAL unnest(
      ARRAY['applied',
            CASE WHEN e.eligible THEN 'eligible' WHEN NOT e.eligible THEN 'ineligible' END,
            CASE WHEN a.selected THEN 'selected' WHEN NOT a.selected THEN 'not_selected' END,
            CASE WHEN a.carried_over_from_id IS NOT NULL THEN 'carried_in' END,
            CASE WHEN k.accepted_at IS NOT NULL THEN 'card_accepted' END,
            CASE WHEN k.status = 'revoked' THEN 'revoked' END]
      || ARRAY(SELECT 'reason:' || r FROM unnest(e.reasons) AS r)
    ) AS s(figure)
    WHERE a.user_id = u.id AND s.figure IS NOT NULL
    ORDER BY 1
  )
FROM accounts_user u
LEFT JOIN registration_profile p ON p.user_id = u.id
WHERE u.role = 'participant' AND (uids IS NULL OR u.id = ANY(uids))
$$;

-- Recount the people `uids` and add the difference to the rollups, in this transaction.
CREATE FUNCTION reporting_refresh(uids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF uids IS NULL OR cardinality(uids) = 0 THEN
    RETURN;
  END IF;
  -- Lock the people's last counts first, in one order; the statement below then reads
  -- the base tables with a snapshot taken after any concurrent change to them committed.
  PERFORM 1 FROM reporting_personfigures f WHERE f.user_id = ANY(uids)
    ORDER BY f.user_id FOR UPDATE;
  WITH fresh AS (
    SELECT * FROM reporting_person_now(uids)
  ), old AS (
    SELECT * FROM reporting_personfigures f WHERE f.user_id = ANY(uids)
  ), pair AS (
    SELECT coalesce(n.user_id, o.user_id) AS user_id,
           o.regency_code AS o_regency, o.joined_hour AS o_hour, o.stages AS o_stages,
           o.wave_cells AS o_cells,
           n.regency_code AS n_regency, n.joined_hour AS n_hour, n.stages AS n_stages,
           n.wave_cells AS n_cells
    FROM fresh n FULL JOIN old o ON o.user_id = n.user_id
    WHERE (n.regency_code, n.joined_hour, n.stages, n.wave_cells)
          IS DISTINCT FROM (o.regency_code, o.joined_hour, o.stages, o.wave_cells)
  ), deltas AS (
    SELECT 0 AS wave_id, p.o_regency AS regency_code, k.key AS stage,
           reporting_shard(p.o_regency, p.user_id) AS shard, -1 AS d
    FROM pair p JOIN unnest(reporting_stage_keys()) WITH ORDINALITY AS k(key, n)
      ON p.o_stages & (1 << (k.n - 1)::integer) <> 0
    UNION ALL
    SELECT 0, p.n_regency, k.key, reporting_shard(p.n_regency, p.user_id), 1
    FROM pair p JOIN unnest(reporting_stage_keys()) WITH ORDINALITY AS k(key, n)
      ON p.n_stages & (1 << (k.n - 1)::integer) <> 0
    UNION ALL
    SELECT split_part(c, '|', 1)::integer, split_part(c, '|', 2), split_part(c, '|', 3), 0, -1
    FROM pair p, unnest(p.o_cells) AS c
    UNION ALL
    SELECT split_part(c, '|', 1)::integer, split_part(c, '|', 2), split_part(c, '|', 3), 0, 1
    FROM pair p, unnest(p.n_cells) AS c
  ), summed AS (
    SELECT wave_id, regency_code, stage, shard, sum(d)::bigint AS d
    FROM deltas GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0
  ), counted AS (
    INSERT INTO reporting_stagecount AS s (wave_id, regency_code, stage, shard, total)
    SELECT wave_id, regency_code, stage, shard, d FROM summed ORDER BY 1, 2, 3, 4
    ON CONFLICT (wave_id, regency_code, stage, shard)
      DO UPDATE SET total = s.total + EXCLUDED.total
    RETURNING 1
  ), hours AS (
    SELECT o_hour AS hour, o_regency AS regency_code,
           reporting_shard(o_regency, user_id) AS shard, -1 AS d
    FROM pair WHERE o_hour IS NOT NULL
    UNION ALL
    SELECT n_hour, n_regency, reporting_shard(n_regency, user_id), 1
    FROM pair WHERE n_hour IS NOT NULL
  ), hours_summed AS (
    SELECT hour, regency_code, shard, sum(d)::bigint AS d
    FROM hours GROUP BY 1, 2, 3 HAVING sum(d) <> 0
  ), hourly AS (
    INSERT INTO reporting_signuphour AS h (hour, regency_code, shard, total)
    SELECT hour, regency_code, shard, d FROM hours_summed ORDER BY 1, 2, 3
    ON CONFLICT (hour, regency_code, shard) DO UPDATE SET total = h.total + EXCLUDED.total
    RETURNING 1
  ), gone AS (
    DELETE FROM reporting_personfigures f USING pair p
    WHERE f.user_id = p.user_id AND p.n_stages IS NULL
    RETURNING 1
  )
  INSERT INTO reporting_personfigures AS f (user_id, regency_code, joined_hour, stages, wave_cells)
  SELECT user_id, n_regency, n_hour, n_stages, n_cells FROM pair
  WHERE n_stages IS NOT NULL ORDER BY user_id
  ON CONFLICT (user_id) DO UPDATE SET regency_code = EXCLUDED.regency_code,
    joined_hour = EXCLUDED.joined_hour, stages = EXCLUDED.stages,
    wave_cells = EXCLUDED.wave_cells;
END $$;

-- Count everything again from the base tables (the first count, and a repair of drift).
-- Writers wait while it runs.
CREATE FUNCTION reporting_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE reporting_personfigures, reporting_stagecount, reporting_signuphour
    IN EXCLUSIVE MODE;
  DELETE FROM reporting_personfigures;
  DELETE FROM reporting_stagecount;
  DELETE FROM reporting_signuphour;
  INSERT INTO reporting_personfigures (user_id, regency_code, joined_hour, stages, wave_cells)
  SELECT * FROM reporting_person_now(NULL);
  INSERT INTO reporting_stagecount (wave_id, regency_code, stage, shard, total)
  SELECT 0, f.regency_code, k.key, reporting_shard(f.regency_code, f.user_id), count(*)
  FROM reporting_personfigures f
  JOIN unnest(reporting_stage_keys()) WITH ORDINALITY AS k(key, n)
    ON f.stages & (1 << (k.n - 1)::integer) <> 0
  GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT split_part(c, '|', 1)::integer, split_part(c, '|', 2), split_part(c, '|', 3), 0, count(*)
  FROM reporting_personfigures f, unnest(f.wave_cells) AS c
  GROUP BY 1, 2, 3, 4;
  INSERT INTO reporting_signuphour (hour, regency_code, shard, total)
  SELECT joined_hour, regency_code, reporting_shard(regency_code, user_id), count(*)
  FROM reporting_personfigures GROUP BY 1, 2, 3;
END $$;
"""

#: (table, the person of row r as SQL, the columns whose change may change a count)
SOURCES = (
    ("accounts_user", "{r}.id", ("email_confirmed_at", "date_joined", "role")),
    ("registration_profile", "{r}.user_id", ("user_id", "domicile_regency_id")),
    (
        "registration_identitycheck",
        "(SELECT p.user_id FROM registration_profile p WHERE p.id = {r}.profile_id)",
        ("profile_id", "status"),
    ),
    ("identity_identitydocument", "{r}.owner_id", ("owner_id", "kind", "replaced_at")),
    ("accounts_verifiedphone", "{r}.user_id", ("user_id", "replaced_at")),
    ("registration_declaration", "{r}.user_id", ("user_id",)),
    ("assessment_attempt", "{r}.user_id", ("user_id", "passed")),
    (
        "programmes_waveapplication",
        "{r}.user_id",
        ("user_id", "wave_id", "regency_id", "carried_over_from_id", "selected"),
    ),
    (
        "selection_eligibilitydecision",
        "(SELECT a.user_id FROM programmes_waveapplication a WHERE a.id = {r}.application_id)",
        ("application_id", "eligible", "reasons"),
    ),
    ("cards_card", "{r}.user_id", ("user_id", "wave_id", "status", "accepted_at")),
    ("marketplace_purchase", "{r}.user_id", ("user_id", "status")),
    (
        "marketplace_completion",
        "(SELECT b.user_id FROM marketplace_purchase b WHERE b.id = {r}.purchase_id)",
        ("purchase_id",),
    ),
)


def _trigger_sql(table: str, person: str, columns: tuple[str, ...]) -> str:
    new_cols = ", ".join(f"n.{c}" for c in columns)
    old_cols = ", ".join(f"o.{c}" for c in columns)
    return f"""
CREATE FUNCTION reporting_touch_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM reporting_refresh(ARRAY(SELECT DISTINCT {person.format(r="r")} FROM new_rows r));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM reporting_refresh(ARRAY(SELECT DISTINCT {person.format(r="r")} FROM old_rows r));
  ELSE
    PERFORM reporting_refresh(ARRAY(
      SELECT DISTINCT v.uid FROM new_rows n JOIN old_rows o ON o.id = n.id
      CROSS JOIN LATERAL (VALUES ({person.format(r="n")}), ({person.format(r="o")})) AS v(uid)
      WHERE ROW({new_cols}) IS DISTINCT FROM ROW({old_cols}) AND v.uid IS NOT NULL));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER reporting_{table}_ins AFTER INSERT ON {table}
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reporting_touch_{table}();
CREATE TRIGGER reporting_{table}_upd AFTER UPDATE ON {table}
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reporting_touch_{table}();
CREATE TRIGGER reporting_{table}_del AFTER DELETE ON {table}
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reporting_touch_{table}();
"""


def _drop_trigger_sql(table: str) -> str:
    return "".join(
        f"DROP TRIGGER IF EXISTS reporting_{table}_{op} ON {table};\n"
        for op in ("ins", "upd", "del")
    ) + f"DROP FUNCTION IF EXISTS reporting_touch_{table}();\n"


INSTALL = (
    FUNCTIONS % {"keys": ", ".join(f"'{key}'" for key in STAGE_KEYS)}
    + "".join(_trigger_sql(*source) for source in SOURCES)
    + "SELECT reporting_rebuild();\n"
)

UNINSTALL = "".join(_drop_trigger_sql(table) for table, _p, _c in SOURCES) + """
DROP FUNCTION IF EXISTS reporting_rebuild();
DROP FUNCTION IF EXISTS reporting_refresh(bigint[]);
DROP FUNCTION IF EXISTS reporting_person_now(bigint[]);
DROP FUNCTION IF EXISTS reporting_shard(varchar, bigint);
DROP FUNCTION IF EXISTS reporting_stage_keys();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_rollups"),
        ("accounts", "0005_staff_totp_devices"),
        ("registration", "0002_identity_check_citizenship"),
        ("identity", "0001_identity_documents"),
        ("assessment", "0002_question_bank_v1"),
        ("programmes", "0005_wave_opening_notices"),
        ("selection", "0005_registrant_facts"),
        ("cards", "0002_card_one_live_per_scheme_year"),
        ("marketplace", "0002_purchase_refunds"),
    ]

    operations = [migrations.RunSQL(INSTALL, UNINSTALL)]
