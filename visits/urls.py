from django.urls import path  # noqa: F401

from visits import views  # noqa: F401

app_name = "visits"

urlpatterns = [
]
