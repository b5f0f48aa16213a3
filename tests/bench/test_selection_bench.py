"""The selection benchmark still runs, and Bekal and its DuckDB reference still agree.

A small size (2,000 registrants) through the very code `make bench-selection` runs: the
generator with every foreign key and index checked, Bekal's services, the DuckDB
reference and the comparison.
"""

from __future__ import annotations

import pytest

from bench.selection import agreement, run_bekal, run_reference
from bench.selection_data import generate


@pytest.mark.django_db
@pytest.mark.parametrize("scheme_code", ["2020", "2023"])
def test_bekal_and_the_duckdb_reference_select_the_same_applicants(scheme_code):
    generated = generate(size=2_000, scheme_code=scheme_code)

    bekal = run_bekal(generated)
    reference = run_reference(generated)

    assert agreement(bekal, reference) == []
    assert bekal.verified is True
    assert 0 < len(bekal.selected) <= generated.counts["national_quota"]
    assert 0 < bekal.eligible < generated.counts["applicants"]
    assert all(selected <= quota for _, quota, _, selected in bekal.quotas)
    # the preview scans every registrant with a profile
    assert bekal.preview_registrants == generated.counts["profiles"] == generated.counts["facts"]
    assert 0 < bekal.preview_eligible < bekal.preview_registrants
