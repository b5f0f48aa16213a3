from django.urls import path

from bekal.api.sms import views

app_name = "sms"
urlpatterns = [
    path("balasan/", views.sms_reply, name="reply"),
]
