from django.urls import path

from certguard.institutions import views

app_name = "institutions"
urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("check/", views.check, name="check"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/refer/", views.finding_refer, name="finding_refer"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("periods/<int:pk>/file/", views.filing_form, name="filing_form"),
    path("periods/<int:pk>/authority-file/", views.authority_filing_form,
         name="authority_filing_form"),
    path("filings/<int:pk>/", views.filing_detail, name="filing"),
    path("filings/<int:pk>/checklist.<str:fmt>", views.filing_download, name="filing_download"),
    path("figures/", views.figures_page, name="figures"),
    path("periods/", views.periods, name="periods"),
]
