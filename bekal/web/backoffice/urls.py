from django.urls import path

from bekal.web.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.registrants, name="registrants"),
    path("peserta/<int:profile_id>/", views.registrant, name="registrant"),
]
