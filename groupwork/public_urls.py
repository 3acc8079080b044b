"""The public site (no login): what Öppna soc mirrors. Every view renders through
groupwork.privacy."""

from django.urls import path

from groupwork import calendar, search
from meetings import public as minutes
from visits import public as reports

app_name = "public"

urlpatterns = [
    path("", minutes.index, name="index"),
    path("sok/", search.public_search, name="search"),
    path("<slug:group_slug>/kalender.ics", calendar.public_feed, name="calendar"),
    # After the fixed paths above: a group slug could otherwise shadow them.
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
