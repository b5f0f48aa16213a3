"""The incentive pages, mounted at /insentif/ inside the "portal" namespace."""

from django.urls import path

from bekal.web.portal import incentive_views

urlpatterns = [
    path("", incentive_views.incentives, name="incentives"),
    path("rekening/", incentive_views.link_account, name="incentive_link"),
    path("rekening/kode/", incentive_views.confirm_code, name="incentive_code"),
    path("survei/<int:instalment_id>/", incentive_views.answer_survey, name="incentive_survey"),
]
