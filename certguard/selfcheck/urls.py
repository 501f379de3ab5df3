from django.urls import path

from certguard.selfcheck import views

app_name = "selfcheck"
urlpatterns = [
    path("uploads/", views.upload_list, name="uploads"),
    path("uploads/new/", views.upload_create, name="upload_create"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload"),
    path("uploads/<int:pk>/mapping/", views.upload_mapping, name="upload_mapping"),
    path("uploads/<int:pk>/confirm/", views.upload_confirm, name="upload_confirm"),
    path("uploads/<int:pk>/report.xlsx", views.upload_export, name="upload_export"),
]
