# E-mail has no customer pages; the prefix is kept for later ones (e.g. unsubscribe links).
app_name = "notifications"

urlpatterns: list = []
