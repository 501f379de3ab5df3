"""The issuing officer's screens, mounted by the project at /issuer/."""

from django.urls import path

from certguard.registry import issuer_views as views

app_name = "issuer"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("certificates/new/", views.certificate_issue, name="issue"),
    path("certificates/<int:pk>/", views.certificate_detail, name="detail"),
    path("certificates/<int:pk>/<slug:action>/", views.certificate_action, name="action"),
]
