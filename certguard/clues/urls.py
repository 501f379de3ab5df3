from django.urls import path

from certguard.clues import views

app_name = "clues"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/assign/", views.assign, name="assign"),
]
