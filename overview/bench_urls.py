"""URLs of `make bench` only: the app's own URLs plus the two reference views."""

from django.urls import include, path

from overview import bench

urlpatterns = [
    path("bench/ceiling/", bench.ceiling, name="bench_ceiling"),
    path("bench/baseline/", bench.baseline, name="bench_baseline"),
    path("", include("groupwork.urls")),
]
