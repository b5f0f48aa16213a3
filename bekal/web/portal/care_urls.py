"""Care tickets of the citizen, mounted at /bantuan/ inside the "portal" namespace."""

from django.urls import path

from bekal.web.portal import care_views

urlpatterns = [
    path("", care_views.tickets, name="care_tickets"),
    path("baru/", care_views.new_ticket, name="care_new_ticket"),
    path("lampiran/<int:attachment_id>/", care_views.attachment, name="care_attachment"),
    path("<str:reference>/", care_views.ticket, name="care_ticket"),
]
