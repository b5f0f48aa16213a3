"""The documents step, mounted at /dokumen/ inside the "portal" namespace."""

from django.urls import path

from bekal.web.portal import document_views

urlpatterns = [
    path("", document_views.documents_upload, name="documents_upload"),
    path("<int:document_id>/foto/", document_views.documents_image, name="documents_image"),
    path(
        "<int:document_id>/foto-kecil/",
        document_views.documents_thumbnail,
        name="documents_thumbnail",
    ),
]
