from django.urls import path

app_name = "devtools"
urlpatterns: list = []
