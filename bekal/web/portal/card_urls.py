"""The card pages, mounted at /kartu/ inside the "portal" namespace."""

from django.urls import path

from bekal.web.portal import card_views

urlpatterns = [
    path("", card_views.card, name="card"),
    path("setujui/", card_views.card_accept, name="card_accept"),
]
