"""The training pages, inside the "portal" namespace: the public catalogue and course
pages, a card holder's bought trainings under /kartu/, and the public certificate check."""

from django.urls import path

from bekal.web.portal import training_purchase_views, training_views

urlpatterns = [
    path("pelatihan/", training_views.catalogue, name="catalogue"),
    path("pelatihan/<int:course_id>/", training_views.course, name="course"),
    path("pelatihan/<int:course_id>/beli/", training_views.course_buy, name="course_buy"),
    path("kartu/pelatihan/<int:purchase_id>/", training_purchase_views.purchase, name="purchase"),
    path(
        "kartu/pelatihan/<int:purchase_id>/ulasan/",
        training_purchase_views.purchase_review,
        name="purchase_review",
    ),
    path(
        "sertifikat/<str:token>/",
        training_purchase_views.certificate_check,
        name="certificate_check",
    ),
]
