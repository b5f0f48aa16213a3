"""In a browser, on a phone, with no account: a published wave's public page shows the
head of the proof log and the proof of its lottery, and the inputs download from it have
the digest the page shows, and recompute the list the page offers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bekal.selection import canonical, proof_log
from bekal.selection.verification import verify_files
from tests.programmes.factories import ensure_shipped_schemes
from tests.selection.factories import Person, join, publish
from tests.selection.factories import wave as selection_wave
from tests.web.accessibility import expect_accessible
from tests.web.journey_support import keep_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def download(page: Page, link_test_id: str, folder: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_test_id(link_test_id).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()


def test_anyone_reads_the_proof_and_downloads_the_inputs_of_a_published_wave(page: Page, tmp_path):
    # Given a published wave of eight applicants with three places, and a later wave
    # whose seed is committed after it (so the head is that later commitment)
    ensure_shipped_schemes()
    w, run = selection_wave(national_quota=3)
    join(w, [Person(regency="17.71") for _ in range(5)])
    join(w, [Person(regency="31.71") for _ in range(3)])
    run = publish(run)
    selection_wave()
    head = proof_log.get_head()

    # When someone opens the wave's public page on a phone, without logging in
    page.goto(f"/gelombang/{w.number}/")

    # Then it shows the log's head, the commitment, the revealed seed and the digests
    expect(page.get_by_role("heading", name="Kepala log bukti")).to_be_visible()
    expect(page.get_by_test_id("log-head")).to_have_text(head.entry_hash)
    expect(page.get_by_text(f"Entri {head.position}, dicatat")).to_be_visible()
    proof = page.get_by_test_id("wave-proof")
    expect(proof.get_by_role("heading", name="Bukti undian")).to_be_visible()
    expect(proof.get_by_test_id("seed-hash")).to_have_text(run.seed_hash)
    expect(proof.get_by_test_id("seed")).to_have_text(run.seed)
    expect(proof.get_by_test_id("inputs-digest")).to_have_text(run.inputs_digest)
    # and the wave's two entries of the log
    entries = proof.get_by_test_id("wave-log-entries").locator("li")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("Benih undian dikunci")
    expect(entries.nth(1)).to_contain_text("Hasil seleksi diumumkan")
    keep_screenshot(page, "wave-proof")
    expect_accessible(page, "a published wave's proof")
    page.screenshot(path=tmp_path / "wave-proof.png", full_page=True)

    # When she downloads the inputs and the selected list, then opens the whole log
    shown_digest = proof.get_by_test_id("inputs-digest").inner_text()
    seed = proof.get_by_test_id("seed").inner_text()
    inputs = download(page, "inputs-download", tmp_path)
    selected = download(page, "selected-download", tmp_path)
    page.get_by_test_id("log-download").click()
    log = page.locator("body").inner_text()

    # Then the inputs have the digest the page shows and recompute the list she
    # downloaded, and the log she read commits to both and ends at the head she saw
    assert hashlib.sha256(inputs).hexdigest() == shown_digest
    assert canonical.parse(inputs)["wave"] == w.number
    result = verify_files(
        inputs=inputs, digest=shown_digest, seed_hex=seed, selected=selected, log=log
    )
    assert result.matches, result.problems
    assert result.selected == 3
    assert canonical.parse_log(log)[-1]["entry_hash"] == head.entry_hash
