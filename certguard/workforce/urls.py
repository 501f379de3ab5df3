from django.urls import path

from certguard.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.index, name="index"),  # /workforce/ as the README names it
    path("ledger/", views.ledger_list, name="ledger"),
    path("ledger/<int:pk>/", views.entry_detail, name="entry"),
]
