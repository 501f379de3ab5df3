from django.urls import path

from certguard.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/summary.docx", views.summary, name="summary"),
    path("supervisions/<int:pk>/", views.supervision, name="supervision"),
]
