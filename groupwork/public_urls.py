"""The public site (no login): what Öppna soc mirrors. Every view renders through
groupwork.privacy."""

app_name = "public"

urlpatterns = [
    # search: public urls
]
