from .views import handoffs, queue, ticket

app_name = "conversations"
urlpatterns = queue.urlpatterns + ticket.urlpatterns + handoffs.urlpatterns
