"""The demo shows card holders with incentives paid, failed and due."""

from __future__ import annotations

import pytest

from bekal.disbursements.models import Instalment
from bekal.disbursements.verification import verify_payouts
from bekal.web.devtools.demo_data import load_demo_data
from tests.identity.documents_support import use_tmp_document_storage
from tests.registration.conftest import registry_file  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

#: Enough regencies for four card holders whose first incentive falls due.
REGENCIES = ("17.71", "17.02", "17.06", "17.05")


def test_the_demo_has_incentives_paid_failed_and_due(provider, registry_file, settings, tmp_path):  # noqa: F811
    use_tmp_document_storage(settings, tmp_path)

    logins = load_demo_data(regencies=REGENCIES)

    states = set(Instalment.objects.values_list("status", flat=True))
    assert {"paid", "failed", "due", "scheduled"} <= states
    assert Instalment.objects.get(status="failed").failure_code == "closed_account"
    assert "pemeriksa@bekal.example" in [login.email for login in logins]
    assert verify_payouts() == []
    # Loading it again changes nothing.
    before = list(Instalment.objects.order_by("pk").values_list("pk", "status"))
    load_demo_data(regencies=REGENCIES)
    assert list(Instalment.objects.order_by("pk").values_list("pk", "status")) == before
