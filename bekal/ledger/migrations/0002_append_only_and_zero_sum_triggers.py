"""PostgreSQL enforces what the ledger service promises, whatever code path writes.

- Transactions and entries are append-only: UPDATE and DELETE are refused by a trigger.
  (TRUNCATE is not: it is an administrator's act, and the test suite's flush uses it.)
- Every transaction balances: a deferred constraint trigger, run at commit for each new
  transaction and each new entry, refuses a transaction whose entries do not sum to zero
  or number fewer than two.
"""

from django.db import migrations

APPEND_ONLY = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only: % on % refused (post a reversal)',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER ledger_transaction_append_only
    BEFORE UPDATE OR DELETE ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_entry_append_only
    BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
"""

ZERO_SUM = """
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    checked_id bigint;
    total numeric;
    lines bigint;
BEGIN
    IF TG_TABLE_NAME = 'ledger_entry' THEN
        checked_id := NEW.transaction_id;
    ELSE
        checked_id := NEW.id;
    END IF;
    SELECT coalesce(sum(amount), 0), count(*) INTO total, lines
        FROM ledger_entry WHERE transaction_id = checked_id;
    IF total <> 0 OR lines < 2 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance: % entries summing to %',
            checked_id, lines, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER ledger_transaction_balanced
    AFTER INSERT ON ledger_transaction
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

CREATE CONSTRAINT TRIGGER ledger_entry_balanced
    AFTER INSERT ON ledger_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
"""

REMOVE = """
DROP TRIGGER ledger_entry_balanced ON ledger_entry;
DROP TRIGGER ledger_transaction_balanced ON ledger_transaction;
DROP FUNCTION ledger_check_balanced();
DROP TRIGGER ledger_entry_append_only ON ledger_entry;
DROP TRIGGER ledger_transaction_append_only ON ledger_transaction;
DROP FUNCTION ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_accounts_transactions_entries")]

    operations = [migrations.RunSQL(APPEND_ONLY + ZERO_SUM, REMOVE)]
