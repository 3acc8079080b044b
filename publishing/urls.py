"""The public pages of published minutes and reports (mounted at /oppet/ by groupwork.urls,
after the public search and calendar). Every view reads a Snapshot and nothing else."""

from django.urls import path

from publishing import minutes, reports

urlpatterns = [
    path("", minutes.index, name="index"),
    path("<slug:group_slug>/", minutes.group_page, name="group"),
    path("<slug:group_slug>/feed/", minutes.feed, name="feed"),
    path(
        "<slug:group_slug>/studiebesok/<slug:public_slug>/", reports.report, name="report"
    ),
    path("<slug:group_slug>/<slug:public_slug>/", minutes.minutes, name="minutes"),
    path(
        "<slug:group_slug>/<slug:public_slug>/anteckningar.pdf",
        minutes.minutes_pdf,
        name="minutes_pdf",
    ),
    path(
        "<slug:group_slug>/<slug:public_slug>/anteckningar.md",
        minutes.minutes_markdown,
        name="minutes_markdown",
    ),
    path(
        "<slug:group_slug>/<slug:public_slug>/oppna-soc/",
        minutes.minutes_snippet,
        name="minutes_snippet",
    ),
    path(
        "<slug:group_slug>/<slug:public_slug>/bilagor/<int:pk>/",
        minutes.attachment,
        name="attachment",
    ),
]
