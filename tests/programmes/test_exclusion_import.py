"""Exclusion lists: a CSV of NIKs imported by the real worker, matched by blind index."""

import datetime as dt
import io

import psycopg
import pytest
from django.db import connection

from bekal.core import crypto
from bekal.core.models import AuditEvent
from bekal.core.tasks import retry_stalled_jobs_now
from bekal.identity.nik import mask_nik
from bekal.programmes import exclusion_import, services
from bekal.programmes.errors import (
    ExclusionFileError,
    ExclusionFileGoneError,
    ExclusionFileHeaderError,
)
from bekal.programmes.models import ExclusionList, ExclusionUpload
from bekal.programmes.selectors import exclusion_matches, list_exclusion_lists, list_refusals
from tests.programmes.factories import csv_file, officer, valid_niks

worker_db = pytest.mark.django_db(transaction=True)


def index(nik: str) -> str:
    return crypto.blind_index(nik, purpose="nik")


def refusal_report(exclusion_list):
    return [
        (r.line_number, r.reason, r.nik_masked)
        for r in list_refusals(exclusion_list=exclusion_list)
    ]


@pytest.fixture
def empty_queue(django_db_blocker):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.fixture
def good():
    return valid_niks(5)


@pytest.fixture
def upload_asn(good):
    """An ASN list with five good NIKs and one of each kind of bad row."""

    def upload(actor):
        lines = [
            *good[:3],
            "3216015508950",  # 13 digits
            "3216O15508950001",  # a letter O
            "3216013302950001",  # 33 February
            "3216015508950000",  # serial 0000
            "9999015508950001",  # no such district
            good[1],  # duplicate of line 3
            "",  # blank lines are skipped
            f"{good[3][:4]} {good[3][4:8]} {good[3][8:12]} {good[3][12:]}",  # spaced, accepted
            good[4],
        ]
        return services.upload_exclusion_list(
            kind=ExclusionList.Kind.CIVIL_SERVANT,
            name="ASN Kabupaten Bekasi",
            source="BKN, 2020-04",
            file=csv_file(lines),
            actor=actor,
        )

    return upload


@worker_db
def test_an_imported_list_finds_its_niks_by_blind_index_and_reports_refused_rows(
    worker, empty_queue, good, upload_asn
):
    staff = officer()
    uploaded = upload_asn(staff)
    assert uploaded.status == ExclusionList.Status.QUEUED

    worker()

    imported = ExclusionList.objects.get(pk=uploaded.pk)
    assert imported.status == ExclusionList.Status.IMPORTED
    assert (imported.rows_total, imported.rows_accepted, imported.rows_refused) == (11, 5, 6)
    assert imported.rows_processed == 11
    for nik in good:
        assert exclusion_matches(nik_index=index(nik)) == ["civil_servant"]
    assert exclusion_matches(nik_index=index(valid_niks(1, district_code="17.71.01")[0])) == []
    assert refusal_report(imported) == [
        (5, "nik_format", "*" * 13),
        (6, "nik_characters", "3216********0001"),
        (7, "nik_birth_date_invalid", "3216********0001"),
        (8, "nik_serial_zero", "3216********0000"),
        (9, "nik_region_unknown", "9999********0001"),
        (10, "duplicate_in_file", mask_nik(good[1])),
    ]
    assert not ExclusionUpload.objects.exists()  # the file is deleted after its import
    assert AuditEvent.objects.filter(
        action="programmes.exclusion_list_uploaded", actor=staff
    ).exists()
    assert list(list_exclusion_lists()) == [imported]


@worker_db
def test_no_clear_nik_is_left_anywhere_in_the_database(worker, empty_queue, good, upload_asn):
    upload_asn(officer())
    worker()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        found = []
        for table in tables:
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE ANY(%s)',  # noqa: S608
                [[f"%{nik}%" for nik in good] + [f"%{good[3][:4]} {good[3][4:8]}%"]],
            )
            if cursor.fetchone()[0]:
                found.append(table)

    assert "programmes_exclusionentry" in tables
    assert found == []


@worker_db
def test_a_rerun_with_the_same_file_gives_the_same_entries_and_report(
    worker, empty_queue, good, upload_asn
):
    staff = officer()
    uploaded = upload_asn(staff)
    worker()
    first_report = refusal_report(uploaded)

    services.rerun_import(
        exclusion_list=uploaded, actor=staff, file=csv_file([*good[:3], "123", good[4]])
    )
    worker()
    services.rerun_import(
        exclusion_list=uploaded, actor=staff, file=csv_file([*good[:3], "123", good[4]])
    )
    worker()

    again = ExclusionList.objects.get(pk=uploaded.pk)
    assert (again.import_runs, again.rows_accepted, again.rows_refused) == (3, 4, 1)
    assert refusal_report(again) == [(5, "nik_format", "***")]
    assert first_report != refusal_report(again)
    assert exclusion_matches(nik_index=index(good[3])) == []  # no longer in the list
    assert exclusion_matches(nik_index=index(good[4])) == ["civil_servant"]
    with pytest.raises(ExclusionFileGoneError):
        services.rerun_import(exclusion_list=again, actor=staff)


@worker_db
def test_progress_is_committed_while_the_import_runs(worker, empty_queue, monkeypatch, settings):
    monkeypatch.setattr(exclusion_import, "PROGRESS_EVERY", 3)
    seen = []
    original_copy = exclusion_import._copy
    database = settings.DATABASES["default"]

    def copy_and_look(accepted, refused):
        original_copy(accepted, refused)
        # What another session (a progress page) reads at this moment.
        with psycopg.connect(
            dbname=database["NAME"],
            host=database["HOST"],
            port=database["PORT"] or None,
            user=database["USER"],
            password=database["PASSWORD"],
        ) as other:
            seen.append(
                other.execute(
                    "SELECT status, rows_processed FROM programmes_exclusionlist"
                ).fetchone()
            )

    monkeypatch.setattr(exclusion_import, "_copy", copy_and_look)
    services.upload_exclusion_list(
        kind=ExclusionList.Kind.SOCIAL_ASSISTANCE,
        name="PKH",
        source="Kemensos",
        file=csv_file(valid_niks(7)),
        actor=officer(),
    )

    worker()

    assert seen == [("importing", 0), ("importing", 3), ("importing", 6)]
    assert ExclusionList.objects.get().rows_processed == 7


@worker_db
def test_a_failed_import_keeps_the_file_and_can_be_run_again(worker, empty_queue, good):
    staff = officer()
    uploaded = services.upload_exclusion_list(
        kind=ExclusionList.Kind.STUDENT,
        name="PDDikti",
        source="Kemendikbud",
        file=csv_file(good),
        actor=staff,
    )
    stored = ExclusionUpload.objects.get().content_encrypted
    ExclusionUpload.objects.update(content_encrypted=b"not a token")

    worker()

    failed = ExclusionList.objects.get(pk=uploaded.pk)
    assert failed.status == ExclusionList.Status.FAILED
    assert ExclusionUpload.objects.exists()
    ExclusionUpload.objects.update(content_encrypted=stored)
    services.rerun_import(exclusion_list=failed, actor=staff)
    worker()
    assert ExclusionList.objects.get(pk=uploaded.pk).status == ExclusionList.Status.IMPORTED
    assert exclusion_matches(nik_index=index(good[0])) == ["student"]


@pytest.mark.django_db
def test_validity_dates_are_read_and_a_bad_date_is_refused(good):
    lines = [
        f"{good[0]};2020-01-01;2020-12-31",
        f"{good[1]};;",
        f"{good[2]};2020-13-01;",
        f"{good[3]};2021-01-01;2020-01-01",
    ]
    uploaded = services.upload_exclusion_list(
        kind=ExclusionList.Kind.SOCIAL_ASSISTANCE,
        name="BLT",
        source="Kemensos",
        file=csv_file(lines, header="NIK;valid_from;valid_to"),
        actor=officer(),
    )

    exclusion_import.run_import(exclusion_list_id=uploaded.pk)

    assert exclusion_matches(nik_index=index(good[0]), on=dt.date(2020, 6, 1)) == [
        "social_assistance"
    ]
    assert exclusion_matches(nik_index=index(good[0]), on=dt.date(2021, 6, 1)) == []
    assert exclusion_matches(nik_index=index(good[1]), on=dt.date(2030, 1, 1)) == [
        "social_assistance"
    ]
    assert [(r[0], r[1]) for r in refusal_report(uploaded)] == [
        (4, "date_invalid"),
        (5, "date_range"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"", b"no_nik_here\n1234\n", b"\xff\xfenik\n"])
def test_a_file_without_a_nik_header_is_refused_and_nothing_is_kept(content):
    with pytest.raises((ExclusionFileHeaderError, ExclusionFileError)):
        services.upload_exclusion_list(
            kind=ExclusionList.Kind.POLICE,
            name="Polri",
            source="Polri",
            file=io.BytesIO(content),
            actor=officer(),
        )

    assert not ExclusionList.objects.exists()


@worker_db
def test_an_import_left_by_a_dead_worker_is_taken_up_again(worker, empty_queue, good):
    # given an upload whose import job a worker took, then died with (no heartbeat left)
    uploaded = services.upload_exclusion_list(
        kind=ExclusionList.Kind.SOLDIER,
        name="TNI AD",
        source="Mabes TNI",
        file=csv_file(good),
        actor=officer(),
    )
    ExclusionList.objects.filter(pk=uploaded.pk).update(status=ExclusionList.Status.IMPORTING)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = NULL"
            " WHERE task_name = 'programmes.import_exclusion_list'"
        )

    # when the stalled-job sweep runs, then a worker
    retried = retry_stalled_jobs_now(seconds_since_heartbeat=0)
    worker()

    # then the list is imported in full, once
    assert retried == 1
    imported = ExclusionList.objects.get(pk=uploaded.pk)
    assert (imported.status, imported.rows_accepted) == (ExclusionList.Status.IMPORTED, 5)
    assert exclusion_matches(nik_index=index(good[0])) == ["soldier"]
