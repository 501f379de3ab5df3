from django.urls import path

from certguard.selfcheck import figures_views, official_views, rectification_views, views

app_name = "selfcheck"
urlpatterns = [
    path("", views.index, name="index"),  # /selfcheck/ as the README names it
    path("uploads/", views.upload_list, name="uploads"),
    path("uploads/new/", views.upload_create, name="upload_create"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload"),
    path("uploads/<int:pk>/mapping/", views.upload_mapping, name="upload_mapping"),
    path("uploads/<int:pk>/confirm/", views.upload_confirm, name="upload_confirm"),
    path("uploads/<int:pk>/report.xlsx", views.upload_export, name="upload_export"),
    path("uploads/<int:pk>/progress/", views.upload_progress, name="upload_progress"),
    path("uploads/<int:pk>/release/", views.upload_release, name="upload_release"),
    path("uploads/<int:pk>/results/<int:result_pk>/rectify/", rectification_views.rectify,
         name="rectify"),
    path("uploads/<int:pk>/return/", rectification_views.send_back, name="upload_return"),
    path("uploads/<int:pk>/refile/", rectification_views.refile, name="upload_refile"),
    path("uploads/<int:pk>/official/", official_views.official_form, name="official"),
    path("uploads/<int:pk>/official/<str:table>.<str:fmt>", official_views.official_download,
         name="official_download"),
    path("figures/", figures_views.figures, name="figures"),
    path("figures/remind/", figures_views.remind, name="remind"),
    path("reminders/<int:pk>/read/", figures_views.reminder_read, name="reminder_read"),
]
