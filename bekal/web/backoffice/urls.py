from django.urls import path

from bekal.web.backoffice import (
    care_views,
    catalogue_views,
    exclusion_views,
    payout_views,
    views,
    wave_views,
)

app_name = "backoffice"
urlpatterns = [
    path("", views.registrants, name="registrants"),
    path("peserta/<int:profile_id>/", views.registrant, name="registrant"),
    path("peringatan/", views.alerts, name="alerts"),
    path("pengecualian/", exclusion_views.exclusion_lists, name="exclusion_lists"),
    path("pengecualian/<int:list_id>/", exclusion_views.exclusion_list, name="exclusion_list"),
    path("gelombang/", wave_views.waves, name="waves"),
    path("gelombang/<int:number>/", wave_views.wave, name="wave"),
    path("gelombang/<int:number>/batalkan/", wave_views.cancel_run, name="wave_cancel_run"),
    path("gelombang/<int:number>/<str:action>/", wave_views.wave_action, name="wave_action"),
    path("tiket/", care_views.queue, name="care_queue"),
    path("tiket/baru/", care_views.new_ticket, name="care_new_ticket"),
    path("tiket/lampiran/<int:attachment_id>/", care_views.attachment, name="care_attachment"),
    path("tiket/<str:reference>/", care_views.ticket, name="care_ticket"),
    path("pembayaran/", payout_views.payouts, name="payouts"),
    path("pembayaran/<int:batch_id>/", payout_views.payout_batch, name="payout_batch"),
    path(
        "pembayaran/<int:batch_id>/batalkan/",
        payout_views.cancel_payout_batch,
        name="payout_batch_cancel",
    ),
    path("pembayaran/selisih/", payout_views.payout_breaks, name="payout_breaks"),
    path(
        "pembayaran/selisih/<int:item_id>/selesai/",
        payout_views.resolve_break,
        name="payout_break_resolve",
    ),
    path(
        "pembayaran/rekening/<int:account_id>/setujui/",
        payout_views.confirm_close_name,
        name="payout_account_confirm",
    ),
    path("katalog/", catalogue_views.catalogue, name="catalogue"),
    path("platform/", catalogue_views.platforms, name="platforms"),
    path(
        "platform/<int:platform_id>/kredensial/",
        catalogue_views.issue_platform_credential,
        name="issue_credential",
    ),
    path(
        "platform/kredensial/<int:credential_id>/cabut/",
        catalogue_views.revoke_platform_credential,
        name="revoke_credential",
    ),
]
