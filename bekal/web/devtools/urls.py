from django.urls import path

from bekal.web.devtools import views

app_name = "devtools"
urlpatterns = [path("outbox/", views.outbox, name="outbox")]
