from .views import queue, ticket

app_name = "conversations"
urlpatterns = queue.urlpatterns + ticket.urlpatterns
