from django.urls import path

from certguard.core import views

app_name = "core"
urlpatterns = [
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/verify/", views.audit_verify_start, name="audit_verify"),
]
