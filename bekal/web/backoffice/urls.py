from django.urls import path

from bekal.web.backoffice import views, wave_views

app_name = "backoffice"
urlpatterns = [
    path("", views.registrants, name="registrants"),
    path("peserta/<int:profile_id>/", views.registrant, name="registrant"),
    path("gelombang/", wave_views.waves, name="waves"),
    path("gelombang/<int:number>/", wave_views.wave, name="wave"),
    path("gelombang/<int:number>/<str:action>/", wave_views.wave_action, name="wave_action"),
]
