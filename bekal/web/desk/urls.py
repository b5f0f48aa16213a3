from django.urls import path

from bekal.web.desk import journey_views, views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.log_in, name="login"),
    path("baru/", views.start, name="start"),
    path("wilayah/", journey_views.regions_json, name="regions"),
    path("<int:registration_id>/aktivasi/", views.activation, name="activation"),
    path("<int:registration_id>/profil/", journey_views.profile, name="profile"),
    path("<int:registration_id>/foto/", journey_views.photos, name="photos"),
    path("<int:registration_id>/foto/kirim/", journey_views.photo_upload, name="photo_upload"),
    path("<int:registration_id>/pernyataan/", journey_views.declaration, name="declaration"),
    path("<int:registration_id>/selesai/", journey_views.receipt, name="receipt"),
]
