from django.urls import path

from bekal.web.portal import registration_views as views

urlpatterns = [
    path("profil/", views.profile, name="registration_profile"),
    path("profil/wilayah/", views.regions_json, name="registration_regions"),
    path("verifikasi-nik/", views.identity_check, name="registration_identity_check"),
    path("pernyataan/", views.declaration, name="registration_declaration"),
]
