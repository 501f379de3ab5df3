from django.urls import path

from certguard.netwatch import views

app_name = "netwatch"
urlpatterns = [
    path("", views.home, name="home"),
    path("domains/", views.domains, name="domains"),
    path("domains/<int:pk>/", views.domain_detail, name="domain"),
    path("domains/<int:pk>/act/", views.domain_act, name="domain_act"),
    path("ads/", views.ads, name="ads"),
    path("ads/<int:pk>/", views.ad_detail, name="ad"),
    path("ads/<int:pk>/act/", views.ad_act, name="ad_act"),
    path("captures/", views.captures, name="captures"),
    path("captures/<int:pk>/", views.capture_detail, name="capture"),
    path("captures/<int:pk>/screenshot.png", views.capture_screenshot, name="screenshot"),
    path("handovers/", views.handovers, name="handovers"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover"),
    path("handovers/<int:pk>/act/", views.handover_act, name="handover_act"),
    path("handovers/<int:pk>/letter.pdf", views.handover_file, {"name": "letter"},
         name="letter"),
    path("handovers/<int:pk>/evidence.zip", views.handover_file, {"name": "package"},
         name="package"),
    path("keywords/", views.keywords, name="keywords"),
    path("officials/", views.officials, name="officials"),
    path("figures/", views.figures, name="figures"),
]
