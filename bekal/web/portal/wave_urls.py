from django.urls import path

from bekal.web.portal import wave_views

urlpatterns = [
    path("", wave_views.wave_list, name="wave_list"),
    path("<int:number>/gabung/", wave_views.wave_join, name="wave_join"),
    # Public: each wave's page with the proof of its selection, and the proof's files.
    path("<int:number>/", wave_views.wave_detail, name="wave_detail"),
    path("<int:number>/bukti/masukan.json", wave_views.wave_inputs, name="wave_inputs"),
    path("<int:number>/bukti/terpilih.txt", wave_views.wave_selected, name="wave_selected"),
    path("bukti/log.txt", wave_views.proof_log, name="proof_log"),
]
