from django.urls import path

from certguard.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("new/", views.run_new, name="run_new"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/rules/", views.run_rules, name="run_rules"),
    path("runs/<int:pk>/retry/", views.run_retry, name="run_retry"),
    path("runs/<int:pk>/rejects.csv", views.run_rejects, name="run_rejects"),
    path("runs/<int:pk>/outside.csv", views.run_outside, name="run_outside"),
]
