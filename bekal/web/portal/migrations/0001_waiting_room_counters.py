"""The waiting room's shared counters: UNLOGGED tables and one function per step.

UNLOGGED: counters of requests in flight are worth nothing after a crash and must cost
no WAL. One row per app-server process counts its requests in flight (a process killed
with -9 stops touching its row, which then no longer counts); one row holds the line
(numbers issued, numbers admitted). Each step is one function call: one round trip.
"""

from django.db import migrations

CREATE = """
CREATE UNLOGGED TABLE portal_waiting_room_line (
    id smallint PRIMARY KEY CHECK (id = 1),
    issued bigint NOT NULL DEFAULT 0,
    admitted bigint NOT NULL DEFAULT 0,
    -- let in at advanced_at and not yet come back: their places are held for them
    pending integer NOT NULL DEFAULT 0,
    advanced_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNLOGGED TABLE portal_waiting_room_process (
    name text PRIMARY KEY,
    in_flight integer NOT NULL DEFAULT 0,
    touched_at timestamptz NOT NULL DEFAULT now()
);

-- p_number: NULL for a newcomer, 0 for an admitted ticket, n for place n in line.
-- Returns whether the request goes in, the place issued or held, and how many are
-- ahead of it in line.
CREATE FUNCTION portal_waiting_room_enter(
    p_process text, p_number bigint, p_capacity integer,
    p_stale_seconds integer, p_hold_seconds integer,
    OUT admitted boolean, OUT number bigint, OUT ahead bigint
) LANGUAGE plpgsql AS $$
DECLARE
    line portal_waiting_room_line%ROWTYPE;
    live bigint;
    held bigint;
    step bigint;
BEGIN
    INSERT INTO portal_waiting_room_line (id) VALUES (1) ON CONFLICT (id) DO NOTHING;
    SELECT * INTO line FROM portal_waiting_room_line WHERE id = 1 FOR UPDATE;
    SELECT coalesce(sum(in_flight), 0) INTO live FROM portal_waiting_room_process
     WHERE touched_at > now() - make_interval(secs => p_stale_seconds);
    -- Places let in are held for a while for their holders to come back (a refresh
    -- away); the line moves by the places that are free besides those.
    held := CASE WHEN line.advanced_at > now() - make_interval(secs => p_hold_seconds)
                 THEN line.pending ELSE 0 END;
    step := least(line.issued - line.admitted, p_capacity - live - held);
    IF step > 0 THEN
        line.admitted := line.admitted + step;
        line.pending := held + step;
        line.advanced_at := now();
        held := line.pending;
    END IF;
    IF p_number = 0 THEN
        admitted := true; number := 0;
    ELSIF p_number IS NULL THEN
        IF line.issued = line.admitted AND live + held < p_capacity THEN
            admitted := true; number := 0;
        ELSE
            line.issued := line.issued + 1;
            admitted := false; number := line.issued;
        END IF;
    ELSE
        admitted := p_number <= line.admitted; number := p_number;
        IF admitted THEN
            line.pending := greatest(line.pending - 1, 0);
        END IF;
    END IF;
    ahead := CASE WHEN admitted THEN 0 ELSE greatest(number - line.admitted - 1, 0) END;
    UPDATE portal_waiting_room_line
       SET issued = line.issued, admitted = line.admitted, pending = line.pending,
           advanced_at = line.advanced_at
     WHERE id = 1;
    IF admitted THEN
        INSERT INTO portal_waiting_room_process AS p (name, in_flight, touched_at)
        VALUES (p_process, 1, now())
        ON CONFLICT (name) DO UPDATE SET in_flight = p.in_flight + 1, touched_at = now();
    END IF;
END $$;

CREATE FUNCTION portal_waiting_room_leave(p_process text) RETURNS void
LANGUAGE sql AS $$
    UPDATE portal_waiting_room_process
       SET in_flight = greatest(in_flight - 1, 0), touched_at = now()
     WHERE name = p_process;
$$;
"""

DROP = """
DROP FUNCTION portal_waiting_room_leave(text);
DROP FUNCTION portal_waiting_room_enter(text, bigint, integer, integer, integer);
DROP TABLE portal_waiting_room_process;
DROP TABLE portal_waiting_room_line;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    operations = [migrations.RunSQL(CREATE, DROP)]
