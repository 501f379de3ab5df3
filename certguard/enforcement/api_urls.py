"""Mounted under /api/v1/enforcement/."""

from django.urls import path

from certguard.enforcement import api

urlpatterns = [
    path("tasks", api.TaskListApi.as_view()),
    path("tasks/<int:pk>", api.TaskDetailApi.as_view()),
    path("tasks/<int:pk>/action", api.TaskActionApi.as_view()),
    path("tasks/<int:pk>/offline", api.OfflineBundleApi.as_view()),
    path("tasks/<int:pk>/sync", api.SyncApi.as_view()),
    path("findings/<int:pk>/photos", api.PhotoApi.as_view()),
    path("findings/<int:pk>/suggestion", api.SuggestApi.as_view()),
    path("plans", api.PlanListApi.as_view()),
    path("plans/<int:pk>/approve", api.PlanApproveApi.as_view()),
    path("registers", api.RegisterApi.as_view()),
    path("draws", api.DrawListApi.as_view()),
    path("draws/<int:pk>/reveal", api.DrawRevealApi.as_view()),
    path("public/draws/<int:pk>", api.PublicDrawApi.as_view()),
    path("penalties", api.PenaltyListApi.as_view()),
    path("penalties/<int:pk>", api.PenaltyDetailApi.as_view()),
    path("penalties/<int:pk>/action", api.PenaltyActionApi.as_view()),
    path("overdue", api.OverdueApi.as_view()),
    path("figures", api.FiguresApi.as_view()),
    path("public/penalties", api.PublicPenaltiesApi.as_view()),
]
