"""Demo care tickets: one in every state, in Kota Bengkulu (the demo officer's region).

Idempotent (fixed keys): a ticket that exists is left as it is. The demo participant
(peserta@bekal.example) holds a ticket waiting for a first answer, one being handled, one
waiting on her reply and one resolved; a demo registrant with a verified phone holds one
whose first response is late (escalated by the sweep); a broker report is seen only by the
restricted group "Tim pengaduan penipuan" (and the admin); the demo officer opened one
from a phone call. Registrants whose identity check was refused hold the system's ticket.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from bekal.accounts.models import User
from bekal.care import services
from bekal.care.escalation import escalate_due_tickets
from bekal.care.models import Category, Channel, Ticket
from bekal.regions.models import Regency

FRAUD_GROUP = "Tim pengaduan penipuan"
KOTA_BENGKULU = "17.71"


def _open(
    key: str,
    *,
    citizen: User | None,
    category: str,
    body: str,
    days_ago: float,
    channel: str = Channel.WEB,
    opened_by: User | None = None,
) -> tuple[Ticket, bool]:
    existing = Ticket.objects.filter(idempotency_key=f"demo:{key}").first()
    if existing is not None:
        return existing, False
    ticket = services.open_ticket(
        idempotency_key=f"demo:{key}",
        category=category,
        body=body,
        channel=channel,
        citizen=citizen,
        region=Regency.objects.get(code=KOTA_BENGKULU),
        opened_by=opened_by,
        now=timezone.now() - dt.timedelta(days=days_ago),
    )
    return ticket, True


def ensure_fraud_group() -> Group:
    group, _ = Group.objects.get_or_create(name=FRAUD_GROUP)
    group.permissions.add(Permission.objects.get(codename="view_sensitive_ticket"))
    return group


def load_demo_tickets(*, participant_email: str, officer_email: str) -> list[Ticket]:
    ensure_fraud_group()
    siti = User.objects.get(email=participant_email)
    officer = User.objects.get(email=officer_email)
    with_phone = User.objects.filter(email="demo.008@bekal.example").first() or siti
    now = timezone.now()
    made: list[Ticket] = []

    new, _ = _open(
        "care:new",
        citizen=siti,
        category=Category.INFORMATION,
        body="Kapan gelombang berikutnya dibuka, dan apakah saya harus mendaftar ulang?",
        days_ago=0.1,
    )
    made.append(new)

    handled, fresh = _open(
        "care:in-progress",
        citizen=siti,
        category=Category.COMPLAINT,
        body="Email konfirmasi saya baru masuk setelah dua hari. Apakah akun saya aman?",
        days_ago=2,
    )
    if fresh:
        services.answer_ticket(
            viewer=officer,
            reference=handled.reference,
            body="Terima kasih. Akun Anda aman; kami memeriksa keterlambatan email tersebut.",
            now=now - dt.timedelta(days=1),
        )
    made.append(handled)

    waiting, fresh = _open(
        "care:waiting",
        citizen=siti,
        category=Category.DISPUTE,
        body="Saya tidak lolos seleksi gelombang lalu, padahal semua syarat sudah terpenuhi.",
        days_ago=3,
    )
    if fresh:
        services.answer_ticket(
            viewer=officer,
            reference=waiting.reference,
            body="Mohon kirim tangkapan layar halaman hasil seleksi Anda agar kami periksa.",
            wait_on_citizen=True,
            now=now - dt.timedelta(days=2),
        )
    made.append(waiting)

    resolved, fresh = _open(
        "care:resolved",
        citizen=siti,
        category=Category.INFORMATION,
        body="Berapa lama tes motivasi dan kemampuan dasar berlangsung?",
        days_ago=6,
    )
    if fresh:
        services.resolve_ticket(
            viewer=officer,
            reference=resolved.reference,
            body="Tes berlangsung 15 menit. Setelah lulus, Anda dapat memilih gelombang.",
            now=now - dt.timedelta(days=5),
        )
    made.append(resolved)

    late, _ = _open(
        "care:late",
        citizen=with_phone,
        category=Category.COMPLAINT,
        body="Kode OTP tidak pernah sampai ke ponsel saya walaupun sudah tiga kali dikirim.",
        days_ago=10,
    )
    made.append(late)

    broker, _ = _open(
        "care:broker",
        citizen=with_phone,
        category=Category.BROKER,
        body="Ada orang yang menawarkan bantuan daftar dengan bayaran Rp 150.000 per orang.",
        days_ago=1,
    )
    made.append(broker)

    call, _ = _open(
        "care:phone",
        citizen=None,
        category=Category.FIELD_CHECK,
        body="Penelepon melaporkan lembaga pelatihan luring di Selebar tidak pernah buka.",
        days_ago=1,
        channel=Channel.PHONE,
        opened_by=officer,
    )
    made.append(call)

    escalate_due_tickets(now=now)
    return made
