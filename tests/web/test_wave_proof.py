"""A wave's public page: the proof of its selection, and the proof's downloads."""

from __future__ import annotations

import hashlib

import pytest

from bekal.selection import proof_log
from tests.selection.factories import Person, join, publish
from tests.selection.factories import wave as selection_wave

pytestmark = pytest.mark.django_db


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_before_the_results_the_page_shows_the_seed_commitment_and_the_log_head(client):
    # given an open wave whose seed is committed (nobody logged in)
    w, run = selection_wave()

    page = client.get(f"/gelombang/{w.number}/")

    # then anyone sees its commitment and the log's head, not yet a seed or files
    text = page.content.decode()
    assert page.status_code == 200
    assert run.seed_hash in text
    assert proof_log.get_head().entry_hash in text
    assert "Belum diumumkan." in text
    assert "masukan.json" not in text
    assert client.get(f"/gelombang/{w.number}/bukti/masukan.json").status_code == 404
    assert client.get(f"/gelombang/{w.number}/bukti/terpilih.txt").status_code == 404


def test_after_publication_the_page_offers_the_files_that_match_their_digests(client):
    w, run = selection_wave(national_quota=1)
    join(w, [Person(), Person()])
    run = publish(run)

    page = client.get(f"/gelombang/{w.number}/").content.decode()
    inputs = client.get(f"/gelombang/{w.number}/bukti/masukan.json")
    selected = downloaded(client.get(f"/gelombang/{w.number}/bukti/terpilih.txt"))

    # then the page shows the revealed seed, the digests and the wave's two log entries
    for shown in (run.seed, run.inputs_digest, run.selected_digest):
        assert shown in page
    for entry in proof_log.list_wave_entries(wave=w.number):
        assert entry.entry_hash in page
    # and the files downloaded have those digests
    assert inputs["Content-Type"] == "application/json"
    assert f'filename="bekal-gelombang-{w.number}-masukan.json"' in inputs["Content-Disposition"]
    assert hashlib.sha256(downloaded(inputs)).hexdigest() == run.inputs_digest
    assert hashlib.sha256(selected).hexdigest() == run.selected_digest
    assert selected.decode().split() == [
        str(o.application_id) for o in run.outcomes.filter(selected=True)
    ]


def test_the_log_downloads_as_plain_text_ending_at_the_head(client):
    selection_wave()

    response = client.get("/gelombang/bukti/log.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert proof_log.get_head().entry_hash in response.content.decode().splitlines()[-1]


def test_an_unknown_wave_has_no_page(client):
    assert client.get("/gelombang/987654/").status_code == 404
    assert client.get("/gelombang/987654/bukti/masukan.json").status_code == 404
