"""The demo's training marketplace: seven fictional digital platforms, their training
providers and a catalogue in Indonesian, built through the marketplace services.

Idempotent: platforms, providers, courses and credentials are found by their codes and
ids, and only what is missing is created. Live and in-person courses get sessions in the
coming days and weeks (office hours, Asia/Jakarta); run again after they have all
passed, the demo schedules fresh ones, each with an id of its own date and time.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from bekal.accounts.models import PartnerCredential, User
from bekal.accounts.partner_clients import issue_credential
from bekal.marketplace.models import Course, Format, Platform, Provider
from bekal.marketplace.services import catalogue
from bekal.marketplace.services.catalogue import SessionInput

JAKARTA = ZoneInfo("Asia/Jakarta")


class DemoCredential(NamedTuple):
    platform: str
    key_id: str
    secret: str


#: Fixed credentials, so the partner guide's curl examples (docs/partners.md) work.
CREDENTIALS = (
    DemoCredential(
        "kelas-terampil",
        "bkl_demo_kelasterampil",
        "demo-kelas-terampil-secret-not-for-production",
    ),
    DemoCredential(
        "mahir-digital", "bkl_demo_mahirdigital", "demo-mahir-digital-secret-not-for-production"
    ),
)

PLATFORMS = (
    ("kelas-terampil", "Kelas Terampil"),
    ("mahir-digital", "Mahir Digital"),
    ("tumbuh-usaha", "Tumbuh Usaha"),
    ("sinau-kerja", "Sinau Kerja"),
    ("bengkel-ilmu", "Bengkel Ilmu"),
    ("akademi-nusa", "Akademi Nusa"),
    ("serambi-belajar", "Serambi Belajar"),
)

#: (platform, provider id, name, regency/city of its office)
PROVIDERS = (
    ("kelas-terampil", "kt-cendekia", "LPK Cendekia Nusantara", "31.74"),
    ("kelas-terampil", "kt-pena-emas", "Rumah Kursus Pena Emas", "32.73"),
    ("kelas-terampil", "kt-bina-kerja", "LPK Bina Kerja Bengkulu", "17.71"),
    ("mahir-digital", "md-kode-kita", "Akademi Kode Kita", "34.71"),
    ("mahir-digital", "md-lensa", "Studio Kreatif Lensa", "51.71"),
    ("mahir-digital", "md-data-nusa", "Pusat Data dan Analitik Nusa", "31.71"),
    ("tumbuh-usaha", "tu-usaha-mandiri", "Sekolah Usaha Mandiri", "33.74"),
    ("tumbuh-usaha", "tu-dapur-ilmu", "Dapur Ilmu Kuliner", "35.78"),
    ("tumbuh-usaha", "tu-sejahtera", "Lembaga Pelatihan Koperasi Sejahtera", "73.71"),
    ("sinau-kerja", "sk-karya-jaya", "LPK Karya Jaya Mandiri", "33.72"),
    ("sinau-kerja", "sk-cakrawala", "Lembaga Bahasa Cakrawala", "51.71"),
    ("sinau-kerja", "sk-layanan-prima", "Pusat Pelatihan Layanan Prima", "36.71"),
    ("bengkel-ilmu", "bi-sinar-karya", "Balai Kursus Keterampilan Sinar Karya", "12.71"),
    ("bengkel-ilmu", "bi-otomotif-maju", "Bengkel Latih Otomotif Maju", "35.07"),
    ("bengkel-ilmu", "bi-terang", "LPK Instalasi Listrik Terang", "32.16"),
    ("akademi-nusa", "an-subur-makmur", "Sekolah Tani Subur Makmur", "18.71"),
    ("akademi-nusa", "an-bahari", "Pusat Pelatihan Perikanan Bahari", "52.71"),
    ("akademi-nusa", "an-pesona", "Akademi Wisata Pesona", "51.71"),
    ("serambi-belajar", "sb-karier", "Rumah Karier Serambi", "63.71"),
    ("serambi-belajar", "sb-suara-emas", "Kelas Komunikasi Suara Emas", "31.73"),
    ("serambi-belajar", "sb-amanah", "Lembaga Literasi Keuangan Amanah", "17.71"),
)
_PLATFORM_OF = {provider: platform for platform, provider, _name, _regency in PROVIDERS}


class DemoCourse(NamedTuple):
    external_id: str
    provider: str
    category: str
    level: str
    format: str
    price: int
    minutes: int
    #: Where an in-person course is held.
    regency: str | None
    title: str
    description: str
    #: "approve" (published by the demo admin), "submit" (left in the queue) or a
    #: rejection note.
    decision: str = "approve"


C = DemoCourse
SELF, LIVE, OFFLINE = Format.SELF_PACED.value, Format.WEBINAR.value, Format.OFFLINE.value
BEG, MID = "beginner", "intermediate"

# fmt: off
COURSES = (
    C("KT-001", "kt-cendekia", "office", BEG, SELF, 350_000, 600, None,
      "Microsoft Excel untuk Pemula",
      "Kuasai dasar Excel: memasukkan data, rumus SUM dan AVERAGE, format tabel, hingga "
      "membuat grafik sederhana untuk laporan kerja sehari-hari."),
    C("KT-002", "kt-cendekia", "office", MID, LIVE, 650_000, 240, None,
      "Excel Lanjutan: VLOOKUP, Pivot Table, dan Dasbor",
      "Olah data penjualan dan stok dengan VLOOKUP, XLOOKUP, dan Pivot Table, lalu susun "
      "dasbor ringkas yang siap dipresentasikan kepada atasan."),
    C("KT-003", "kt-cendekia", "office", BEG, SELF, 300_000, 480, None,
      "Administrasi Perkantoran Modern",
      "Kelola surat-menyurat, arsip digital, agenda rapat, dan notulen sesuai standar kerja "
      "kantor masa kini."),
    C("KT-004", "kt-pena-emas", "personal", BEG, SELF, 150_000, 180, None,
      "Menulis CV dan Surat Lamaran yang Menarik",
      "Susun CV satu halaman dan surat lamaran yang ringkas, jujur, dan sesuai lowongan, "
      "lengkap dengan contoh dan templat."),
    C("KT-005", "kt-pena-emas", "personal", BEG, OFFLINE, 900_000, 960, "32.73",
      "Menjadi MC Profesional",
      "Latihan langsung membawakan acara pernikahan, seminar, dan acara perusahaan: olah "
      "vokal, menyusun rundown, dan mengatasi demam panggung."),
    C("KT-006", "kt-pena-emas", "personal", BEG, LIVE, 200_000, 120, None,
      "Teknik Wawancara Kerja",
      "Simulasi wawancara bersama praktisi HRD: menjawab pertanyaan sulit, bahasa tubuh, "
      "dan membicarakan gaji pertama."),
    C("KT-007", "kt-bina-kerja", "office", BEG, OFFLINE, 750_000, 960, "17.71",
      "Operator Komputer Perkantoran",
      "Dua hari tatap muka di Kota Bengkulu: Word, Excel, email, dan mengetik cepat untuk "
      "calon staf administrasi."),
    C("MD-101", "md-kode-kita", "technology", BEG, SELF, 750_000, 1200, None,
      "Dasar Pemrograman Python",
      "Menulis program dari nol dengan Python: variabel, percabangan, perulangan, fungsi, "
      "dan proyek kecil mengolah data CSV."),
    C("MD-102", "md-kode-kita", "technology", BEG, LIVE, 600_000, 240, None,
      "Membuat Website dengan HTML dan CSS",
      "Rancang dan terbitkan halaman web pertama Anda: struktur HTML, tata letak CSS yang "
      "ramah ponsel, dan cara mengunggahnya."),
    C("MD-103", "md-data-nusa", "technology", MID, SELF, 900_000, 900, None,
      "Analisis Data dengan SQL",
      "Tulis kueri SELECT, JOIN, dan GROUP BY untuk menjawab pertanyaan bisnis dari data "
      "penjualan yang telah dianonimkan."),
    C("MD-104", "md-lensa", "creative", BEG, SELF, 250_000, 240, None,
      "Fotografi Produk dengan Ponsel",
      "Foto produk yang menjual hanya dengan ponsel: cahaya alami, latar sederhana, "
      "komposisi, dan penyuntingan di aplikasi gratis."),
    C("MD-105", "md-lensa", "creative", BEG, LIVE, 300_000, 180, None,
      "Desain Grafis dengan Canva untuk Promosi",
      "Buat poster, konten media sosial, dan katalog produk yang rapi dengan Canva, memakai "
      "prinsip warna dan tipografi yang mudah diterapkan."),
    C("MD-106", "md-lensa", "creative", MID, SELF, 550_000, 480, None,
      "Editing Video untuk Konten Media Sosial",
      "Sunting video pendek: memotong, transisi, teks, musik bebas royalti, dan format "
      "ekspor yang tepat untuk tiap aplikasi."),
    C("MD-107", "md-data-nusa", "technology", BEG, LIVE, 350_000, 150, None,
      "Dasar Keamanan Siber untuk Pekerja Kantor",
      "Kenali penipuan phishing, kelola kata sandi dengan aman, dan lindungi data pelanggan "
      "dalam pekerjaan sehari-hari."),
    C("MD-108", "md-data-nusa", "technology", MID, OFFLINE, 1_400_000, 2400, "31.71",
      "Teknisi Jaringan Komputer Dasar",
      "Praktik memasang kabel UTP, mengatur router dan switch, serta menelusuri gangguan "
      "jaringan di kantor kecil.", "submit"),
    C("TU-001", "tu-sejahtera", "finance", BEG, SELF, 400_000, 600, None,
      "Akuntansi Dasar untuk UMKM",
      "Catat pemasukan dan pengeluaran, pisahkan uang usaha dan pribadi, lalu susun laporan "
      "laba rugi sederhana setiap bulan."),
    C("TU-002", "tu-usaha-mandiri", "business", BEG, LIVE, 700_000, 240, None,
      "Memulai Usaha Kedai Kopi",
      "Dari memilih biji kopi dan peralatan, menghitung modal dan harga jual, hingga menarik "
      "pelanggan pertama di lingkungan sekitar."),
    C("TU-003", "tu-usaha-mandiri", "sales_marketing", BEG, SELF, 350_000, 360, None,
      "Jualan Online di Marketplace",
      "Buka toko daring, tulis deskripsi produk, atur ongkos kirim, dan layani pembeli "
      "dengan cepat agar mendapat ulasan baik."),
    C("TU-004", "tu-usaha-mandiri", "sales_marketing", MID, LIVE, 500_000, 180, None,
      "Pemasaran Media Sosial untuk Usaha Kecil",
      "Susun kalender konten, baca statistik akun bisnis, dan jalankan iklan berbayar "
      "dengan anggaran kecil yang terukur."),
    C("TU-005", "tu-dapur-ilmu", "food", BEG, OFFLINE, 650_000, 480, "35.78",
      "Membuat Kue Kering untuk Dijual",
      "Praktik di dapur pelatihan Surabaya: nastar, kastengel, dan putri salju, lengkap "
      "dengan kemasan dan perhitungan harga pokok."),
    C("TU-006", "tu-dapur-ilmu", "food", BEG, SELF, 300_000, 360, None,
      "Katering Rumahan yang Higienis",
      "Menyusun menu, menjaga kebersihan dan keamanan pangan, serta menghitung porsi dan "
      "harga untuk usaha katering dari rumah."),
    C("TU-007", "tu-sejahtera", "business", BEG, SELF, 150_000, 120, None,
      "Mengurus Izin Usaha dan NIB secara Daring",
      "Langkah demi langkah mendaftarkan usaha mikro di OSS untuk memperoleh NIB, serta "
      "mengenal sertifikasi halal dan PIRT."),
    C("TU-008", "tu-sejahtera", "finance", BEG, LIVE, 200_000, 120, None,
      "Perencanaan Keuangan Pribadi",
      "Atur penghasilan dengan anggaran sederhana, siapkan dana darurat, dan hindari jerat "
      "pinjaman online ilegal.", "submit"),
    C("SK-001", "sk-cakrawala", "language", BEG, LIVE, 600_000, 240, None,
      "Bahasa Inggris Praktis untuk Pariwisata",
      "Percakapan untuk menyambut tamu, memberi arah, menjelaskan menu, dan menangani "
      "keluhan dalam bahasa Inggris."),
    C("SK-002", "sk-cakrawala", "language", MID, SELF, 450_000, 480, None,
      "Bahasa Inggris untuk Wawancara Kerja",
      "Perkenalkan diri, ceritakan pengalaman kerja, dan jawab pertanyaan wawancara umum "
      "dalam bahasa Inggris dengan percaya diri."),
    C("SK-003", "sk-cakrawala", "language", BEG, SELF, 800_000, 1800, None,
      "Bahasa Jepang Dasar untuk Calon Pekerja Migran",
      "Hiragana dan katakana, salam, angka, dan percakapan kerja dasar sebagai bekal tes "
      "kemampuan bahasa Jepang tingkat awal."),
    C("SK-004", "sk-layanan-prima", "hospitality", BEG, OFFLINE, 850_000, 1440, "51.71",
      "Housekeeping Hotel",
      "Standar kamar hotel berbintang di Denpasar: merapikan tempat tidur, membersihkan "
      "kamar mandi, bahan kimia yang aman, dan laporan kamar."),
    C("SK-005", "sk-layanan-prima", "sales_marketing", BEG, LIVE, 300_000, 180, None,
      "Telemarketing yang Efektif",
      "Menelepon calon pelanggan: naskah pembuka, mendengarkan kebutuhan, menjawab "
      "keberatan, dan menutup penjualan dengan sopan."),
    C("SK-006", "sk-layanan-prima", "sales_marketing", BEG, SELF, 350_000, 420, None,
      "Pelayanan Pelanggan dan Call Center",
      "Layani pelanggan lewat telepon, chat, dan email dengan empati; catat keluhan dengan "
      "rapi dan selesaikan sesuai prosedur."),
    C("SK-007", "sk-karya-jaya", "food", MID, OFFLINE, 1_200_000, 1440, "33.72",
      "Barista Profesional",
      "Kelas tatap muka di Surakarta: espresso, steaming susu, latte art, dan merawat mesin "
      "kopi."),
    C("SK-008", "sk-layanan-prima", "hospitality", BEG, LIVE, 500_000, 240, None,
      "Resepsionis Hotel dan Front Office",
      "Proses check-in dan check-out, sistem reservasi, dan menyambut tamu dengan kesan "
      "yang baik."),
    C("BI-001", "bi-sinar-karya", "trades", BEG, OFFLINE, 1_500_000, 2400, "12.71",
      "Las Listrik Dasar",
      "Lima hari praktik di bengkel Medan: keselamatan kerja, las SMAW posisi bawah tangan, "
      "dan membaca gambar kerja sederhana."),
    C("BI-002", "bi-otomotif-maju", "trades", BEG, OFFLINE, 1_100_000, 1440, "35.07",
      "Perawatan Sepeda Motor Injeksi",
      "Servis berkala, membersihkan throttle body, memeriksa sistem injeksi dengan alat "
      "diagnosis, dan mengganti kampas rem."),
    C("BI-003", "bi-terang", "trades", BEG, OFFLINE, 950_000, 1440, "32.16",
      "Instalasi Listrik Rumah Tinggal",
      "Memasang instalasi listrik rumah yang aman sesuai PUIL: kabel, saklar, stopkontak, "
      "MCB, dan pengujian sebelum dialiri listrik."),
    C("BI-004", "bi-terang", "trades", MID, LIVE, 750_000, 240, None,
      "Pemasangan Panel Surya Atap",
      "Kenali komponen PLTS atap, hitung kebutuhan daya rumah, dan pelajari pemasangan "
      "serta perawatan yang aman."),
    C("BI-005", "bi-sinar-karya", "trades", BEG, SELF, 600_000, 600, None,
      "Teknisi AC Split",
      "Cara kerja AC split, mencuci unit dalam dan luar, mengisi freon, dan mengenali "
      "kerusakan yang sering ditemui."),
    C("BI-006", "bi-sinar-karya", "trades", BEG, OFFLINE, 1_000_000, 1920, "17.71",
      "Menjahit Pakaian untuk Usaha Konfeksi",
      "Empat hari di Kota Bengkulu: mengukur badan, membuat pola, memotong kain, dan "
      "menjahit kemeja serta gamis siap jual."),
    C("AN-001", "an-bahari", "agriculture", BEG, SELF, 400_000, 480, None,
      "Budidaya Lele Bioflok",
      "Bangun kolam bioflok skala rumah tangga, atur kualitas air dan pakan, hingga panen "
      "dan menghitung untung per siklus."),
    C("AN-002", "an-subur-makmur", "agriculture", BEG, LIVE, 350_000, 180, None,
      "Hidroponik Sayuran Skala Rumah",
      "Rakit instalasi NFT sederhana, semai selada dan pakcoy, racik nutrisi AB mix, dan "
      "jual hasil panen ke warung sekitar."),
    C("AN-003", "an-subur-makmur", "agriculture", BEG, OFFLINE, 600_000, 960, "18.71",
      "Pertanian Organik dan Pupuk Kompos",
      "Praktik membuat kompos dan pupuk organik cair, mengendalikan hama tanpa pestisida "
      "kimia, dan merencanakan musim tanam."),
    C("AN-004", "an-pesona", "hospitality", BEG, OFFLINE, 800_000, 960, "52.71",
      "Pemandu Wisata Lokal",
      "Rancang rute wisata, ceritakan sejarah dan budaya setempat dengan menarik, dan jaga "
      "keselamatan rombongan di Mataram dan sekitarnya."),
    C("AN-005", "an-pesona", "hospitality", MID, LIVE, 550_000, 240, None,
      "Mengelola Homestay dan Desa Wisata",
      "Siapkan kamar tamu, tetapkan tarif, daftarkan homestay di aplikasi pemesanan, dan "
      "tanggapi ulasan tamu."),
    C("AN-006", "an-subur-makmur", "agriculture", BEG, SELF, 300_000, 360, None,
      "Budidaya Jamur Tiram",
      "Membuat baglog, merawat kumbung, memanen, dan mengolah jamur tiram menjadi produk "
      "bernilai jual.", "submit"),
    C("SB-001", "sb-suara-emas", "personal", BEG, LIVE, 300_000, 180, None,
      "Public Speaking untuk Pemula",
      "Susun pesan yang jelas, atur napas dan intonasi, dan tampil percaya diri saat "
      "presentasi di depan orang banyak."),
    C("SB-002", "sb-karier", "personal", MID, SELF, 500_000, 480, None,
      "Kepemimpinan untuk Supervisor Baru",
      "Memimpin tim kecil: memberi arahan, umpan balik yang membangun, membagi tugas, dan "
      "menyelesaikan konflik di tempat kerja."),
    C("SB-003", "sb-suara-emas", "sales_marketing", BEG, SELF, 450_000, 480, None,
      "Content Writing dan Copywriting",
      "Tulis artikel blog, keterangan foto, dan teks iklan yang mudah dibaca dan mengajak "
      "bertindak, dengan dasar-dasar SEO."),
    C("SB-004", "sb-amanah", "finance", BEG, LIVE, 350_000, 180, None,
      "Perpajakan Dasar untuk Usaha Mikro",
      "Pahami NPWP, PPh final UMKM, dan cara melapor SPT Tahunan secara daring tanpa "
      "bingung."),
    C("SB-005", "sb-amanah", "finance", MID, SELF, 700_000, 720, None,
      "Laporan Keuangan dengan Aplikasi Akuntansi",
      "Catat transaksi, stok, dan piutang di aplikasi akuntansi, lalu hasilkan neraca dan "
      "laporan arus kas.", "submit"),
    C("SB-006", "sb-karier", "personal", BEG, SELF, 150_000, 120, None,
      "Etika dan Kesiapan Kerja",
      "Disiplin, komunikasi di tempat kerja, etika bermedia sosial, dan hak dasar pekerja "
      "bagi yang baru memasuki dunia kerja."),
    C("SB-007", "sb-amanah", "finance", BEG, SELF, 1_250_000, 300, None,
      "Rahasia Kaya Cepat dari Trading",
      "Strategi jitu meraih untung pasti setiap hari dari trading, dijamin balik modal "
      "dalam sebulan.",
      "Judul dan isinya menjanjikan untung pasti. Pelatihan keuangan harus realistis dan "
      "tidak mengajak berinvestasi pada produk tertentu; ajukan kembali dengan silabus "
      "literasi keuangan yang jelas."),
)
# fmt: on

#: When live and in-person sessions run: days from today and the local start hour.
WEBINAR_DAYS, OFFLINE_DAYS = (2, 9, 16), (4, 11, 25)
START_HOURS = (9, 13, 10, 14)
#: An in-person day: 08:00 to 16:00.
OFFLINE_DAY = dt.timedelta(hours=8)
OFFLINE_PLACES = 25
SATURDAY = 5


def _sessions(course: DemoCourse, index: int, *, now: dt.datetime) -> list[SessionInput]:
    """The course's upcoming sessions, counted from today (Asia/Jakarta)."""
    today = now.astimezone(JAKARTA).date()
    sessions = []
    if course.format == LIVE:
        hour, days = START_HOURS[index % len(START_HOURS)], WEBINAR_DAYS
        length, capacity = dt.timedelta(minutes=course.minutes), None
    else:
        hour, days = 8, OFFLINE_DAYS
        span = math.ceil(course.minutes / (OFFLINE_DAY.total_seconds() / 60))
        length, capacity = dt.timedelta(days=span - 1) + OFFLINE_DAY, OFFLINE_PLACES
    for day in days:
        date = today + dt.timedelta(days=day)
        while date.weekday() >= SATURDAY:  # on working days
            date += dt.timedelta(days=1)
        starts = dt.datetime.combine(date, dt.time(hour), JAKARTA)
        sessions.append(
            SessionInput(
                external_id=starts.strftime("%Y%m%d-%H%M"),
                starts_at=starts,
                ends_at=starts + length,
                capacity=capacity,
            )
        )
    return sessions


def _platform(code: str, name: str, admin: User) -> Platform:
    platform = Platform.objects.select_related("client").filter(code=code).first()
    if platform is None:
        platform = catalogue.create_platform(
            code=code, name=name, website=f"https://{code}.example", actor=admin
        )
    return platform


def _course(platform: Platform, spec: DemoCourse, index: int, admin: User) -> Course:
    now = timezone.now()
    course = Course.objects.filter(platform=platform, external_id=spec.external_id).first()
    if course is None:
        course = catalogue.submit_course(
            platform=platform,
            provider_external_id=spec.provider,
            external_id=spec.external_id,
            title=spec.title,
            description=spec.description,
            category=spec.category,
            level=spec.level,
            format=spec.format,
            price=spec.price,
            duration_minutes=spec.minutes,
            regency_code=spec.regency,
            sessions=_sessions(spec, index, now=now) if spec.format != SELF else [],
            now=now,
        )
        if spec.decision == "approve":
            course = catalogue.approve_course(course=course, actor=admin)
        elif spec.decision != "submit":
            course = catalogue.reject_course(course=course, actor=admin, note=spec.decision)
    elif _all_sessions_passed(course, now=now):
        known = set(course.sessions.values_list("external_id", flat=True))
        for session in _sessions(spec, index, now=now):
            if session.external_id not in known:
                catalogue.add_session(course=course, session=session, now=now)
    return course


def _all_sessions_passed(course: Course, *, now: dt.datetime) -> bool:
    """A live or in-person course still on offer with no session ahead."""
    return (
        course.has_sessions
        and course.status in (Course.Status.SUBMITTED, Course.Status.APPROVED)
        and not course.sessions.filter(starts_at__gt=now, is_cancelled=False).exists()
    )


@transaction.atomic
def load_demo_catalogue(*, admin: User) -> dict[str, Course]:
    """Platforms, providers, courses (approved by `admin`, a few waiting, one rejected)
    and the fixed credentials; the courses by external id."""
    platforms = {code: _platform(code, name, admin) for code, name in PLATFORMS}
    for platform_code, external_id, name, regency in PROVIDERS:
        platform = platforms[platform_code]
        if not Provider.objects.filter(platform=platform, external_id=external_id).exists():
            catalogue.register_provider(
                platform=platform, external_id=external_id, name=name, regency_code=regency
            )
    for credential in CREDENTIALS:
        if not PartnerCredential.objects.filter(key_id=credential.key_id).exists():
            issue_credential(
                client=platforms[credential.platform].client,
                actor=admin,
                key_id=credential.key_id,
                secret=credential.secret,
            )
    return {
        spec.external_id: _course(platforms[_PLATFORM_OF[spec.provider]], spec, index, admin)
        for index, spec in enumerate(COURSES)
    }
