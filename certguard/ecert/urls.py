from django.urls import path

from certguard.ecert import views

app_name = "ecert"
urlpatterns = [
    path("scan/", views.scan, name="scan"),
    path("trust-list.cbor", views.trust_list, name="trust_list"),
    path("root.pem", views.root_key, name="root_key"),
    path("revocations.cbor", views.revocations, name="revocations"),
    path("certificates/<int:pk>/", views.certificate_print, name="certificate"),
    path("certificates/<int:pk>/qr.png", views.qr_png, name="qr_png"),
    path("certificates/<int:pk>/qr.svg", views.qr_svg, name="qr_svg"),
]
