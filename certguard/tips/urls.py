from django.urls import path

from certguard.tips import views

app_name = "tips"
urlpatterns = [
    path("", views.submit, name="submit"),
    path("follow/", views.follow, name="follow"),
    path("inbox/", views.inbox, name="inbox"),
    path("overdue/", views.overdue, name="overdue"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/identity/", views.identity, name="identity"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/reward/", views.reward, name="reward"),
]
