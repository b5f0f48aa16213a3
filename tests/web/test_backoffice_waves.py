"""The programme office runs a wave from the back office: open, seed, close, run, publish."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from bekal.accounts.models import User
from bekal.cards import services as cards
from bekal.programmes.models import Wave, WaveApplication
from bekal.programmes.services import join_wave
from bekal.selection import services
from tests.identity.documents_support import use_tmp_document_storage
from tests.programmes.factories import registrant

pytestmark = pytest.mark.django_db


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def office(client):
    admin = User.objects.create_user(
        email="pmo@bekal.example", password=None, full_name="PMO", role="programme_admin"
    )
    client.force_login(admin)
    return client


def do_queued_step(number, task_name, work):
    """What the worker does with the step's queued job (this test's data is not
    committed, so the job's function is called here)."""
    [job] = ProcrastinateJob.objects.filter(task_name=task_name, status="todo")
    assert job.args == {"run_id": Wave.objects.get(number=number).selection_run.pk}
    work(run_id=job.args["run_id"])


def act(client, number, action):
    return client.post(f"/kantor/gelombang/{number}/{action}/", follow=True).content.decode()


def test_the_office_runs_a_wave_from_opening_to_published_results(
    office, registry_file, settings, tmp_path
):
    use_tmp_document_storage(settings, tmp_path)
    now = timezone.now()
    created = office.post(
        "/kantor/gelombang/",
        {
            "number": 21,
            "name": "Gelombang 21",
            "opens_at": local(now - dt.timedelta(hours=1)),
            "closes_at": local(now + dt.timedelta(days=3)),
            "announce_at": local(now + dt.timedelta(days=4)),
            "national_quota": 1,
            "regional_quotas": "17.71 1",
        },
    )
    assert created.status_code == 302
    page = act(office, 21, "open")
    assert "Gelombang 21 sudah dibuka." in page
    page = act(office, 21, "commit_seed")
    wave = Wave.objects.get(number=21)
    seed_hash = wave.selection_run.seed_hash
    assert seed_hash in page
    people = [registrant(n) for n in (1, 2)]
    for person in people:
        join_wave(user=person, wave=wave, test_passed=True)

    act(office, 21, "close")
    page = act(office, 21, "run")
    assert "Seleksi sedang berjalan di latar belakang." in page
    assert "Sedang berjalan di latar belakang" in page
    do_queued_step(21, "selection.run_requested_selection", services.run_requested)
    page = act(office, 21, "review")
    # The selection's counts name the regency/city, not its code
    assert "<td>Kota Bengkulu</td>" in page
    assert "<td>17.71</td>" not in page
    page = act(office, 21, "publish")
    assert "Hasil sedang diumumkan di latar belakang." in page
    do_queued_step(21, "cards.publish_requested_results", cards.publish_requested)
    page = office.get("/kantor/gelombang/21/").content.decode()

    run = Wave.objects.get(number=21).selection_run
    assert run.status == "published"
    assert run.seed in page
    assert hashlib.sha256(bytes.fromhex(run.seed)).hexdigest() == seed_hash
    selected = WaveApplication.objects.filter(wave=wave, selected=True).count()
    assert selected <= 1


def open_new_wave(office, number):
    now = timezone.now()
    office.post(
        "/kantor/gelombang/",
        {
            "number": number,
            "name": f"Gelombang {number}",
            "opens_at": local(now - dt.timedelta(hours=1)),
            "closes_at": local(now + dt.timedelta(days=3)),
            "announce_at": local(now + dt.timedelta(days=4)),
            "national_quota": 10,
        },
    )
    act(office, number, "open")


def test_publishing_before_the_review_is_refused_with_a_message(
    office, registry_file, settings, tmp_path
):
    open_new_wave(office, 22)
    act(office, 22, "commit_seed")

    page = act(office, 22, "publish")

    assert Wave.objects.get(number=22).selection_run.status == "seed_committed"
    assert '<p class="error" role="status">' in page


def test_running_a_wave_before_its_seed_is_committed_is_refused_with_a_message(office):
    open_new_wave(office, 23)

    response = office.post("/kantor/gelombang/23/run/", follow=True)

    assert response.status_code == 200
    assert "Gelombang ini belum memiliki seleksi" in response.content.decode()
    assert not hasattr(Wave.objects.get(number=23), "selection_run")


def test_a_regional_officer_cannot_manage_waves(client):
    officer = User.objects.create_user(
        email="disnaker@bekal.example",
        password=None,
        full_name="Petugas",
        role="regional_officer",
    )
    client.force_login(officer)

    assert client.get("/kantor/gelombang/").status_code == 403
