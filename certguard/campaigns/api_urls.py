"""Mounted under /api/v1/campaigns/."""

from django.urls import path

from certguard.campaigns import api

urlpatterns = [
    path("", api.CampaignListApi.as_view()),
    path("<int:pk>", api.CampaignDetailApi.as_view()),
    path("<int:pk>/supervisions", api.CampaignSupervisionsApi.as_view()),
    path("supervisions/<int:pk>", api.SupervisionDetailApi.as_view()),
]
