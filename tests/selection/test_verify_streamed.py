"""The check from the files reads the inputs as a stream and sorts on disk: the same
rows, digest and list as the document held in memory, whatever the chunk size."""

from __future__ import annotations

import hashlib
import io
import random

import pytest

from bekal.selection import canonical, verification


def document_text(rows: int, *, seed_hash: str) -> str:
    rng = random.Random(rows)
    regencies = ["17.71", "17.02", "32.16", "32.75", "31.71"]
    return canonical.render(
        wave=7,
        seed_hash=seed_hash,
        national_quota=rows // 3,
        province_quotas={"17": rows // 10},
        regency_quotas={"32.16": rows // 20, "32.75": 0},
        rows=[
            (
                str(n),
                rng.choice(regencies),
                rng.choice([None, 1, 2, 3]),
                rng.random() < 0.7,
                f"kk{rng.randrange(rows // 2)}",
                rng.choice([1, 2]),
            )
            for n in range(1, rows + 1)
        ],
    )


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_the_stream_gives_the_rows_and_digest_of_the_whole_document(chunk, monkeypatch):
    text = document_text(500, seed_hash="ab" * 32)
    monkeypatch.setattr(canonical.DocumentStream, "CHUNK", chunk)

    stream = canonical.DocumentStream(io.BytesIO(text.encode()))
    rows = list(stream.rows())

    document = canonical.parse(text)
    assert rows == document["applicants"]
    assert stream.header == {k: v for k, v in document.items() if k != "applicants"}
    assert stream.hexdigest() == canonical.digest(text)


def test_the_list_recomputed_on_disk_is_the_list_recomputed_in_memory(tmp_path, monkeypatch):
    seed = bytes(range(32))
    text = document_text(3_000, seed_hash=hashlib.sha256(seed).hexdigest())
    monkeypatch.setattr(verification, "SORT_BATCH", 97)

    streamed = verification.recompute_streamed(
        canonical.DocumentStream(io.BytesIO(text.encode())), seed, str(tmp_path)
    )

    assert streamed == verification.recompute(canonical.parse(text), seed)
    assert len(streamed) > 100


@pytest.mark.parametrize(
    "broken",
    [
        lambda text: text[:-40],  # cut short
        lambda text: text.replace('{"applicants":[', '{"applicants": [', 1),  # not canonical
        lambda text: text.replace(",true,", ",1,", 1),  # a row of the wrong shape
    ],
)
def test_a_broken_document_is_refused_with_a_reason(broken):
    seed = bytes(32)
    text = broken(document_text(50, seed_hash=hashlib.sha256(seed).hexdigest()))

    result = verification.verify_files(
        inputs=text.encode(), digest=canonical.digest(text), seed_hex=seed.hex(), selected=b""
    )

    assert not result.matches
    assert result.problem.startswith("the inputs are not a selection inputs document")
