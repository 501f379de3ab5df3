from django.urls import path

from certguard.registry import views

app_name = "registry"
urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
]
