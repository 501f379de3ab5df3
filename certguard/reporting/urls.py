from django.urls import path

from certguard.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("forms/", views.forms, name="forms"),
    path("periods/<int:pk>/", views.period, name="period"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/fill/", views.fill, name="fill"),
    path("reports/<int:pk>/review/", views.review, name="review"),
    path("reports/<int:pk>/records/", views.records, name="records"),
    path("reports/<int:pk>/table.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("reports/<int:pk>/table.pdf", views.export, {"fmt": "pdf"}, name="export_pdf"),
]
