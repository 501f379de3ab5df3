from django.urls import path

from certguard.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/referral/", views.case_referral, name="case_referral"),
    path("<int:pk>/transfer-letter.pdf", views.transfer_letter, name="transfer_letter"),
    path("overdue/", views.overdue, name="overdue"),
    path("supervision/", views.supervision, name="supervision"),
    path("referrals/", views.inbox, name="inbox"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/police/", views.police_act, name="police_act"),
    path("referrals/<int:pk>/procuratorate/", views.procuratorate_act,
         name="procuratorate_act"),
    path("referrals/<int:pk>/letter.pdf", views.referral_letter, name="referral_letter"),
    path("listings/", views.listings, name="listings"),
    path("listings/<int:pk>/", views.listing_detail, name="listing"),
    path("listings/<int:pk>/decide/", views.listing_decide, name="listing_decide"),
    path("dishonest/", views.public_list, name="public_list"),
    path("credit-records.csv", views.credit_records, {"fmt": "csv"}, name="credit_csv"),
    path("credit-records.json", views.credit_records, {"fmt": "json"}, name="credit_json"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/bulletin.<str:fmt>", views.bulletin_file, name="bulletin_file"),
    path("figures/", views.figures_page, name="figures"),
]
