from django.urls import include, path

from bekal.web.portal import phone_password_views, second_factor_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("daftar/", views.sign_up, name="sign_up"),
    path("daftar/cek-email/", views.sign_up_done, name="sign_up_done"),
    path("konfirmasi/kirim-ulang/", views.resend_confirmation, name="resend_confirmation"),
    path("konfirmasi/<str:token>/", views.confirm_email, name="confirm_email"),
    path("masuk/", views.log_in, name="login"),
    path("keluar/", views.log_out, name="logout"),
    path("masuk/kode/", second_factor_views.verify, name="second_factor"),
    path("masuk/aplikasi-kode/", second_factor_views.enrol, name="second_factor_enrol"),
    path("sandi/lupa/", views.password_reset, name="password_reset"),
    path(
        "sandi/atur/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("sandi/ponsel/", phone_password_views.request_code, name="phone_password"),
    path("sandi/ponsel/atur/", phone_password_views.set_password, name="phone_password_set"),
    # The registration journey: each step has its own module of views.
    path("pendaftaran/", include("bekal.web.portal.registration_urls")),
    path("dokumen/", include("bekal.web.portal.document_urls")),
    path("ponsel/", include("bekal.web.portal.phone_urls")),
    path("tes/", include("bekal.web.portal.assessment_urls")),
    path("gelombang/", include("bekal.web.portal.wave_urls")),
    path("kartu/", include("bekal.web.portal.card_urls")),
    path("bantuan/", include("bekal.web.portal.care_urls")),
    path("insentif/", include("bekal.web.portal.incentive_urls")),
    # The training marketplace: /pelatihan/, /kartu/pelatihan/<id>/, /sertifikat/<token>/.
    path("", include("bekal.web.portal.training_urls")),
]
