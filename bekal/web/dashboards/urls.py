from django.urls import path

from bekal.web.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ekspor/angka.<str:fmt>", views.export_figures, name="export_figures"),
    path("gelombang/<int:number>/", views.wave, name="wave"),
    path("gelombang/<int:number>/diterima/<str:regency>/", views.accepted, name="accepted"),
    path(
        "gelombang/<int:number>/diterima/<str:regency>/ekspor.<str:fmt>",
        views.export_accepted,
        name="export_accepted",
    ),
]
