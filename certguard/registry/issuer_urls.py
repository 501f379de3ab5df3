"""The issuing officer's screens, mounted by the project at /issuer/."""

from django.urls import path

from certguard.registry import import_views
from certguard.registry import issuer_views as views

app_name = "issuer"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("certificates/new/", views.certificate_issue, name="issue"),
    path("certificates/<int:pk>/", views.certificate_detail, name="detail"),
    path("certificates/<int:pk>/<slug:action>/", views.certificate_action, name="action"),
    path("import/", import_views.import_upload, name="import"),
    path("import/<int:pk>/", import_views.import_result, name="import_result"),
    path("import/<int:pk>/rejected.csv", import_views.import_rejects, name="import_rejects"),
]
