from django.urls import path

from bekal.web.portal import wave_views

urlpatterns = [
    path("", wave_views.wave_list, name="wave_list"),
    path("<int:number>/gabung/", wave_views.wave_join, name="wave_join"),
]
