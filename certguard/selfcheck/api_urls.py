"""Mounted under /api/v1/selfcheck/."""

from django.urls import path

from certguard.selfcheck import api, api_campaign

urlpatterns = [
    path("uploads", api.UploadListApi.as_view()),
    path("uploads/<int:pk>", api.UploadDetailApi.as_view()),
    path("uploads/<int:pk>/confirm", api.UploadConfirmApi.as_view()),
    path("uploads/<int:pk>/results", api.UploadResultsApi.as_view()),
    path("uploads/<int:pk>/results/<int:result_pk>/rectifications",
         api.ResultRectificationsApi.as_view()),
    path("uploads/<int:pk>/rectifications", api.UploadRectificationsApi.as_view()),
    path("uploads/<int:pk>/return", api.UploadReturnApi.as_view()),
    path("uploads/<int:pk>/refile", api.UploadRefileApi.as_view()),
    path("uploads/<int:pk>/official/<str:table>.<str:fmt>", api.OfficialTableApi.as_view()),
    path("figures", api_campaign.FiguresApi.as_view()),
    path("figures/not-filed", api_campaign.NotFiledApi.as_view()),
    path("reminders", api_campaign.ReminderListApi.as_view()),
    path("reminders/<int:pk>/read", api_campaign.ReminderReadApi.as_view()),
]
