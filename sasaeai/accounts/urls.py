from django.urls import path

from . import two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", two_factor_views.LoginView.as_view(), name="login"),
    path("login/verify/", two_factor_views.login_verify, name="login_verify"),
    path("two-factor/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/two-factor/", two_factor_views.two_factor_policy, name="two_factor_policy"),
    path(
        "users/<int:pk>/two-factor/reset/",
        two_factor_views.two_factor_reset,
        name="two_factor_reset",
    ),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_reset_password, name="user_reset_password"),
]
