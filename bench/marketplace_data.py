"""The marketplace benchmark's data: card holders with active 2023 cards, and the
catalogue of one digital platform.

Card holders are written set-based, in one transaction, as bekal.cards.services leaves
them after the announcement and the acceptance of the card terms:

- the users (participants, email confirmed, no usable password);
- one wave of the 2023 scheme, through bekal.programmes.services (create_wave,
  open_wave, close_wave);
- the cards, inserted as offered (the statement of cards.services._offer_cards), then
  activated with their terms version, deadline and ledger account;
- the ledger: one card_balance account "card:<pk>" per card; the state budget funds the
  scheme's programme fund through bekal.ledger.services.post_transaction; then one
  card_opening transaction per card (key "card-opening:<pk>", the programme fund to the
  card, as cards.services._fund_card posts it) is inserted with its two entries, and the
  cached balances move by the sum of the new entries, under the fund's row lock, as
  ledger.services._post does. The ledger's deferred trigger checks at commit that every
  transaction sums to zero; bekal.ledger.selectors.verify_balances checks the cached
  balances against the entries at the end of the benchmark.

Not written: the audit row and the "card active" email that accept_card_terms writes per
person, and the selection run that chose them; the purchase reads none of them.

The catalogue goes through bekal.marketplace.services.catalogue: a platform with a
partner API credential, providers, self-paced courses and webinars with two sessions
each, every course submitted by the platform and approved by a programme admin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from bekal.accounts.models import User
from bekal.accounts.partner_clients import issue_credential
from bekal.cards.numbers import new_card_number
from bekal.cards.services import BUDGET_CODE, fund_code
from bekal.cards.terms import TERMS_VERSION
from bekal.ledger.models import CURRENCY, AccountKind, LedgerAccount
from bekal.ledger.services import open_account, post_transaction
from bekal.marketplace.models import Course, Format, Platform
from bekal.marketplace.services import catalogue
from bekal.programmes import services as programmes
from bekal.programmes.models import Scheme, Wave
from bekal.programmes.selectors import get_current_scheme

SCHEME = "2023"
#: Prices of the courses, in turn (the 2020 programme's trainings cost Rp 100.000 to
#: Rp 1.000.000); about Rp 480.000 on average, so a 2023 card buys about seven.
PRICES = (150_000, 200_000, 275_000, 350_000, 425_000, 500_000, 650_000, 800_000, 950_000)
TOPICS = (
    ("Dasar Komputer untuk Pemula", "technology"),
    ("Akuntansi Dasar untuk UMKM", "finance"),
    ("Menjadi Pembawa Acara (MC) Profesional", "personal"),
    ("Membuka Usaha Kedai Kopi", "food"),
    ("Bahasa Inggris Praktis untuk Pariwisata", "language"),
    ("Tata Graha Hotel (Housekeeping)", "hospitality"),
    ("Telemarketing yang Efektif", "sales_marketing"),
    ("Pemasaran Digital lewat Media Sosial", "sales_marketing"),
    ("Administrasi Perkantoran Modern", "office"),
    ("Fotografi Produk dengan Ponsel", "creative"),
    ("Budidaya Lele di Kolam Terpal", "agriculture"),
    ("Instalasi Listrik Rumah Tangga", "trades"),
    ("Merintis Usaha Katering Rumahan", "business"),
)
FIRST_NAMES = ("Siti", "Budi", "Dewi", "Agus", "Rina", "Eko", "Putri", "Wahyu", "Nur", "Andi")
LAST_NAMES = ("Rahmawati", "Santoso", "Lestari", "Saputra", "Wijaya", "Hidayat", "Nugroho")


@dataclass
class Holders:
    wave: Wave
    scheme: Scheme
    #: The card holders, in the order their cards were made.
    users: list[User]
    #: The opening balance of every card.
    balance: int
    admin: User


@dataclass
class Catalogue:
    platform: Platform
    key_id: str
    secret: str
    #: Self-paced courses first, then the webinars.
    courses: list[Course]
    #: Session ids of each webinar, by course id.
    sessions: dict[int, list[int]] = field(default_factory=dict)


def programme_admin(token: str) -> User:
    return User.objects.create(
        email=f"pmo-{token}@prakerja.go.id",
        full_name="Petugas PMO",
        role=User.Role.PROGRAMME_ADMIN,
        password="!",
    )


@transaction.atomic
def build_holders(*, size: int, token: str, admin: User) -> Holders:
    """`size` people with an active card of the 2023 scheme, funded in the ledger."""
    now = timezone.now()
    scheme = get_current_scheme(code=SCHEME)
    number = (Wave.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    wave = programmes.create_wave(
        scheme=scheme,
        number=number,
        name=f"Gelombang {number}",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=1),
        announce_at=now + dt.timedelta(hours=1),
        national_quota=size,
        actor=admin,
    )
    wave = programmes.open_wave(wave=wave, actor=admin, waves_link=None)
    wave = programmes.close_wave(wave=wave, actor=admin)
    users = User.objects.bulk_create(
        (
            User(
                email=f"pemegang-{token}-{n}@contoh.id",
                full_name=f"{FIRST_NAMES[n % 10]} {LAST_NAMES[n // 10 % 7]}",
                password="!",
                email_confirmed_at=now,
            )
            for n in range(size)
        ),
        batch_size=2000,
    )
    card_ids = _offer_cards(users=users, wave=wave, scheme=scheme, now=now)
    balance = int(scheme.training_balance)
    _fund_cards(card_ids=card_ids, wave=wave, scheme=scheme, amount=balance, now=now)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE cards_card AS c SET status = 'active', accepted_at = %(now)s,
                terms_version = %(terms)s, first_purchase_deadline = %(deadline)s,
                ledger_account_id = a.id, updated_at = %(now)s
            FROM ledger_ledgeraccount AS a
            WHERE a.code = 'card:' || c.id AND c.id = ANY(%(cards)s)
            """,
            {
                "now": now,
                "terms": TERMS_VERSION,
                "deadline": now + dt.timedelta(days=scheme.first_purchase_days),
                "cards": card_ids,
            },
        )
    return Holders(wave=wave, scheme=scheme, users=users, balance=balance, admin=admin)


def _offer_cards(*, users: list[User], wave: Wave, scheme: Scheme, now: dt.datetime) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cards_card
                (created_at, updated_at, user_id, wave_id, scheme_id, scheme_code, number,
                 status, offered_at, terms_version, revoke_reason)
            SELECT %s, %s, t.user_id, %s, %s, %s, t.number, 'offered', %s, '', ''
            FROM unnest(%s::bigint[], %s::text[]) AS t(user_id, number)
            RETURNING id
            """,
            [
                now,
                now,
                wave.pk,
                scheme.pk,
                scheme.code,
                now,
                [user.pk for user in users],
                [new_card_number() for _ in users],
            ],
        )
        return [card_id for (card_id,) in cursor.fetchall()]


def _fund_cards(
    *, card_ids: list[int], wave: Wave, scheme: Scheme, amount: int, now: dt.datetime
) -> None:
    """Open each card's account and post its opening balance from the programme fund."""
    fund = open_account(
        code=fund_code(scheme),
        kind=AccountKind.PROGRAMME_FUND,
        owner_type="programme",
        owner_id=scheme.code,
    )
    budget = open_account(code=BUDGET_CODE, kind=AccountKind.FUNDING_SOURCE)
    needed = amount * len(card_ids)
    held = LedgerAccount.objects.select_for_update().get(pk=fund.pk).balance
    if held < needed:
        post_transaction(
            idempotency_key=f"programme-funding:wave:{wave.pk}",
            kind="programme_funding",
            lines=[(budget, -(needed - held)), (fund, needed - held)],
            description=f"State budget to the {scheme.code} programme fund for wave {wave.number}",
            metadata={"wave": wave.pk, "scheme": scheme.code, "cards": len(card_ids)},
        )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO ledger_ledgeraccount
                (code, kind, currency, owner_type, owner_id, allow_negative, balance, created_at)
            SELECT 'card:' || id, %s, %s, 'cards.card', id::text, false, 0, %s
            FROM unnest(%s::bigint[]) AS id
            """,
            [AccountKind.CARD_BALANCE.value, CURRENCY, now, card_ids],
        )
        cursor.execute(
            """
            WITH opened AS (
                INSERT INTO ledger_transaction (idempotency_key, kind, description, created_at,
                    metadata)
                SELECT 'card-opening:' || id, 'card_opening',
                       'Opening balance of card ' || id || ' (scheme ' || %(scheme)s || ')',
                       %(now)s,
                       jsonb_build_object('card', id, 'scheme', %(scheme)s,
                                          'scheme_version', %(version)s)
                FROM unnest(%(cards)s::bigint[]) AS id
                RETURNING id, (metadata ->> 'card')::bigint AS card_id
            ), entries AS (
                INSERT INTO ledger_entry (transaction_id, account_id, amount)
                SELECT o.id, %(fund)s, -%(amount)s FROM opened AS o
                UNION ALL
                SELECT o.id, a.id, %(amount)s
                FROM opened AS o JOIN ledger_ledgeraccount AS a ON a.code = 'card:' || o.card_id
                RETURNING account_id, amount
            )
            UPDATE ledger_ledgeraccount AS a SET balance = a.balance + d.delta
            FROM (SELECT account_id, sum(amount) AS delta FROM entries GROUP BY account_id) AS d
            WHERE a.id = d.account_id
            """,
            {
                "scheme": scheme.code,
                "version": scheme.version,
                "now": now,
                "cards": card_ids,
                "fund": fund.pk,
                "amount": amount,
            },
        )


def build_catalogue(
    *, token: str, admin: User, self_paced: int = 50, webinars: int = 20, providers: int = 5
) -> Catalogue:
    """A platform with a credential, and its approved courses (webinars with 2 sessions)."""
    now = timezone.now()
    platform = catalogue.create_platform(
        code=f"bench-{token}", name="Platform Uji Beban", website="https://contoh.id", actor=admin
    )
    issued = issue_credential(client=platform.client, actor=admin)
    provider_ids = [
        catalogue.register_provider(
            platform=platform, external_id=f"lpk-{n}", name=f"Lembaga Pelatihan Kerja {n}"
        ).external_id
        for n in range(1, providers + 1)
    ]
    result = Catalogue(platform=platform, key_id=issued.key_id, secret=issued.secret, courses=[])
    for n in range(self_paced + webinars):
        live = n >= self_paced
        topic, category = TOPICS[n % len(TOPICS)]
        starts = [now + dt.timedelta(days=3 + 7 * week, hours=n % 8) for week in range(2)]
        submitted = catalogue.submit_course(
            platform=platform,
            provider_external_id=provider_ids[n % providers],
            external_id=f"kelas-{n + 1}",
            title=f"{topic} (kelas {n + 1})",
            description="Pelatihan singkat dengan latihan praktik dan ujian akhir.",
            category=category,
            level="beginner",
            format=Format.WEBINAR if live else Format.SELF_PACED,
            price=PRICES[n % len(PRICES)],
            duration_minutes=240,
            sessions=[
                catalogue.SessionInput(
                    external_id=f"sesi-{n + 1}-{week + 1}",
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=2),
                )
                for week, start in enumerate(starts)
            ]
            if live
            else [],
        )
        course = catalogue.approve_course(course=submitted, actor=admin)
        result.courses.append(course)
        if live:
            result.sessions[course.pk] = list(
                course.sessions.order_by("starts_at").values_list("pk", flat=True)
            )
    return result
