from django.urls import path

from bekal.web.portal import assessment_views

urlpatterns = [
    path("", assessment_views.start, name="assessment_start"),
    path("soal/<int:position>/", assessment_views.question, name="assessment_question"),
    path("kirim/", assessment_views.submit, name="assessment_submit"),
    path("hasil/", assessment_views.result, name="assessment_result"),
]
