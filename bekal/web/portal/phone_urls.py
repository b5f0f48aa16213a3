"""The phone step, mounted at /ponsel/ inside the "portal" namespace."""

from django.urls import path

from bekal.web.portal import phone_views

urlpatterns = [
    path("", phone_views.phone_number, name="phone_number"),
    path("kode/", phone_views.phone_code, name="phone_code"),
    path("kode/kirim-ulang/", phone_views.phone_resend, name="phone_resend"),
    path("terverifikasi/", phone_views.phone_done, name="phone_done"),
]
