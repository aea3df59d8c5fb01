app_name = "kudos"
urlpatterns: list = []
