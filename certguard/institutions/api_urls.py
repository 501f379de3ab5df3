from django.urls import path

from certguard.institutions import api

urlpatterns = [
    path("uploads", api.UploadListApi.as_view()),
    path("uploads/<int:pk>", api.UploadDetailApi.as_view()),
    path("check", api.CheckApi.as_view()),
    path("findings", api.FindingListApi.as_view()),
    path("findings/<int:pk>", api.FindingDetailApi.as_view()),
    path("findings/<int:pk>/answer", api.FindingAnswerApi.as_view()),
    path("findings/<int:pk>/refer", api.FindingReferApi.as_view()),
    path("plans", api.PlanListApi.as_view()),
    path("plans/<int:pk>", api.PlanDetailApi.as_view()),
    path("plans/<int:pk>/progress", api.PlanProgressApi.as_view()),
    path("periods", api.PeriodListApi.as_view()),
    path("periods/<int:pk>/filing", api.FilingFileApi.as_view()),
    path("periods/<int:pk>/authority-filing", api.AuthorityFilingFileApi.as_view()),
    path("filings", api.FilingListApi.as_view()),
    path("filings/<int:pk>", api.FilingDetailApi.as_view()),
    path("filings/<int:pk>/return", api.FilingReturnApi.as_view()),
    path("filings/<int:pk>/checklist.<str:fmt>", api.FilingDownloadApi.as_view()),
    path("progress", api.ProgressApi.as_view()),
    path("figures", api.FiguresApi.as_view()),
    path("figures/<str:figure>", api.FigureRecordsApi.as_view()),
]
