"""Two stages fed at last: "incentive paid" and a phone-number account's confirmation.

- Incentive paid (bit 12): a person counts once one instalment of one of their cards is
  paid (bekal.disbursements); a return after success (paid -> failed) takes them out
  again. The instalment table gets the three statement-level triggers of the other
  sources (person: the card's user; columns: status, card_id).
- Account confirmed (bit 1, key "email_confirmed" kept): an email account by its email,
  a phone-number account (no email, a login number) by its phone, as
  accounts.User.account_confirmed says. The accounts trigger now also watches the
  columns that decide it.

Everything is counted again once (reporting_rebuild). This migration carries its own copy
of the SQL it replaces, for the way back.
"""

from django.db import migrations

#: accounts.User.account_confirmed, in SQL over the row `u`.
ACCOUNT_CONFIRMED = (
    "CASE WHEN coalesce({u}.email, '') = '' AND {u}.login_phone_index IS NOT NULL"
    " THEN {u}.phone_confirmed_at IS NOT NULL ELSE {u}.email_confirmed_at IS NOT NULL END"
)
EMAIL_CONFIRMED = "{u}.email_confirmed_at IS NOT NULL"

PAID = """
  | CASE WHEN EXISTS (SELECT 1 FROM disbursements_instalment i
                      JOIN cards_card k ON k.id = i.card_id
                      WHERE k.user_id = u.id AND i.status = 'paid') THEN 4096 ELSE 0 END"""

PERSON_NOW = r"""
-- What each participant counts under now, from the base tables (all when uids is NULL).
-- Bit n of `stages` is the n-th key of reporting_stage_keys().
CREATE OR REPLACE FUNCTION reporting_person_now(uids bigint[])
RETURNS TABLE(user_id bigint, regency_code varchar, joined_hour timestamptz, stages integer,
              wave_cells text[])
LANGUAGE sql STABLE AS $$
SELECT u.id,
  coalesce(p.domicile_regency_id, '')::varchar,
  date_trunc('hour', u.date_joined),
  1
  | CASE WHEN %(confirmed)s THEN 2 ELSE 0 END
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
                      WHERE b.user_id = u.id) THEN 2048 ELSE 0 END%(paid)s
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
"""

TOUCH_ACCOUNTS = r"""
CREATE OR REPLACE FUNCTION reporting_touch_accounts_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH fresh AS (
      SELECT id AS user_id, date_trunc('hour', date_joined) AS hour,
             1 | CASE WHEN %(confirmed)s THEN 2 ELSE 0 END AS stages
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
    ), daily AS (
      INSERT INTO reporting_signupday AS y (day, regency_code, shard, total)
      SELECT (date_trunc('day', hour AT TIME ZONE 'Asia/Jakarta'))::date, '', reporting_shard('', user_id), count(*) FROM fresh
      GROUP BY 1, 3 ORDER BY 1, 3
      ON CONFLICT (day, regency_code, shard) DO UPDATE SET total = y.total + EXCLUDED.total
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
      WHERE ROW(%(new_cols)s) IS DISTINCT FROM ROW(%(old_cols)s)));
  END IF;
  RETURN NULL;
END $$;
"""

USER_COLUMNS = ("email_confirmed_at", "date_joined", "role")
PHONE_ACCOUNT_COLUMNS = ("email", "login_phone_index", "phone_confirmed_at")

INSTALMENT = "disbursements_instalment"
INSTALMENT_PERSON = "(SELECT k.user_id FROM cards_card k WHERE k.id = {r}.card_id)"
INSTALMENT_COLUMNS = ("status", "card_id")


def _touch_accounts(columns: tuple[str, ...], confirmed: str) -> str:
    return TOUCH_ACCOUNTS % {
        "confirmed": confirmed.format(u="new_rows"),
        "new_cols": ", ".join(f"n.{c}" for c in columns),
        "old_cols": ", ".join(f"o.{c}" for c in columns),
    }


def _instalment_triggers() -> str:
    person = INSTALMENT_PERSON
    new_cols = ", ".join(f"n.{c}" for c in INSTALMENT_COLUMNS)
    old_cols = ", ".join(f"o.{c}" for c in INSTALMENT_COLUMNS)
    table = INSTALMENT
    return f"""
CREATE FUNCTION reporting_touch_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM reporting_refresh(ARRAY(SELECT DISTINCT {person.format(r="r")} FROM new_rows r
      WHERE r.status = 'paid'));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM reporting_refresh(ARRAY(SELECT DISTINCT {person.format(r="r")} FROM old_rows r
      WHERE r.status = 'paid'));
  ELSE
    PERFORM reporting_refresh(ARRAY(
      SELECT DISTINCT v.uid FROM new_rows n JOIN old_rows o ON o.id = n.id
      CROSS JOIN LATERAL (VALUES ({person.format(r="n")}), ({person.format(r="o")})) AS v(uid)
      WHERE ROW({new_cols}) IS DISTINCT FROM ROW({old_cols})
        AND 'paid' IN (n.status, o.status) AND v.uid IS NOT NULL));
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


INSTALL = (
    PERSON_NOW % {"confirmed": ACCOUNT_CONFIRMED.format(u="u"), "paid": PAID}
    + _touch_accounts(USER_COLUMNS + PHONE_ACCOUNT_COLUMNS, ACCOUNT_CONFIRMED)
    + _instalment_triggers()
    + "SELECT reporting_rebuild();\n"
)

UNINSTALL = (
    "".join(
        f"DROP TRIGGER IF EXISTS reporting_{INSTALMENT}_{op} ON {INSTALMENT};\n"
        for op in ("ins", "upd", "del")
    )
    + f"DROP FUNCTION IF EXISTS reporting_touch_{INSTALMENT}();\n"
    + PERSON_NOW % {"confirmed": EMAIL_CONFIRMED.format(u="u"), "paid": ""}
    + _touch_accounts(USER_COLUMNS, EMAIL_CONFIRMED)
    + "SELECT reporting_rebuild();\n"
)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_signups_per_day"),
        ("accounts", "0008_phone_login_columns_empty_by_default"),
        ("disbursements", "0001_payout_accounts_instalments_batches_attempts"),
    ]

    operations = [migrations.RunSQL(INSTALL, UNINSTALL)]
