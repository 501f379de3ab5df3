from django.contrib.auth import views as auth_views
from django.urls import path

from certguard.core.policy import requires
from certguard.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.front, name="front"),
    path("home/", views.home, name="home"),
    path("account/login/", requires("account.login")(views.LoginView.as_view()), name="login"),
    path("account/logout/", requires("account.login")(auth_views.LogoutView.as_view()),
         name="logout"),
    path("account/otp/verify/", views.otp_verify, name="otp_verify"),
    path("account/otp/setup/", views.otp_setup, name="otp_setup"),
    path("account/recovery-codes/", views.otp_recovery_codes, name="otp_recovery"),
    path("account/", views.account, name="account"),
    path("account/token/", views.api_token_rotate, name="api_token"),
    path("account/token/revoke/", views.api_tokens_revoke, name="api_token_revoke"),
    path("account/switch/", views.switch_membership, name="switch"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("my-organisation/", views.my_organisation, name="my_organisation"),
    path("members/", views.members, name="members"),
]
