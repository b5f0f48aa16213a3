"""The programme office uploads an exclusion list and follows its import."""

import io

import pytest

from bekal.accounts.models import User
from bekal.programmes.models import ExclusionEntry, ExclusionList
from tests.programmes.factories import valid_niks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def office(client):
    admin = User.objects.create_user(
        email="pmo@bekal.example", password=None, full_name="PMO", role="programme_admin"
    )
    client.force_login(admin)
    return client


def test_an_uploaded_list_is_imported_by_the_worker_and_its_refused_rows_shown_masked(
    office, worker
):
    good = valid_niks(3)
    csv = io.BytesIO(("nik\n" + "\n".join([*good, "1234", "3216019999999999"]) + "\n").encode())
    csv.name = "asn.csv"

    response = office.post(
        "/kantor/pengecualian/",
        {"kind": "civil_servant", "name": "ASN 2026", "source": "BKN", "file": csv},
    )
    worker()
    page = office.get(response.url).content.decode()

    listing = ExclusionList.objects.get(name="ASN 2026")
    assert listing.status == ExclusionList.Status.IMPORTED
    assert ExclusionEntry.objects.filter(exclusion_list=listing).count() == 3
    assert listing.rows_refused == 2
    assert "nik_format" in page
    for nik in good:
        assert nik not in page
