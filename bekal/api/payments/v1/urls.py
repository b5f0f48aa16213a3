from django.urls import path

from bekal.api.payments.v1 import views

app_name = "payments_v1"
urlpatterns = [path("callbacks/<str:provider>/", views.callback, name="callback")]
