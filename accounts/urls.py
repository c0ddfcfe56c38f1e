app_name = "accounts"

urlpatterns: list = [
    # /accounts/profile/ and other pages of the signed-in user.
]
