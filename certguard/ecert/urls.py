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
    # --- user-facing: PDF, holder photo, 我的证书 ---
    path("certificates/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/photo.jpg", views.holder_photo, name="holder_photo"),
    path("mine/", views.my_certificates, name="mine"),
    path("mine/<int:pk>/certificate.pdf", views.my_certificate_pdf, name="mine_pdf"),
]
