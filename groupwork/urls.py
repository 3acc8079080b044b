from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from groupwork import views
from meetings import urls as meetings_urls
from overview import calendar, imports, search
from overview import views as overview
from publishing import urls as public_urls
from publishing import views as publishing

groupwork_patterns = [
    path("", overview.home, name="home"),
    path("konto/installningar/", views.profile, name="profile"),
    path("inbjudan/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("grupper/<slug:group_slug>/", views.group_detail, name="group"),
    path("grupper/<slug:group_slug>/bjud-in/", views.invite, name="invite"),
    path(
        "grupper/<slug:group_slug>/inbjudningar/<int:pk>/aterkalla/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path(
        "grupper/<slug:group_slug>/medlemmar/<int:pk>/",
        views.edit_membership,
        name="edit_membership",
    ),
    path("grupper/<slug:group_slug>/publicering/", publishing.overview, name="publishing"),
    path(
        "grupper/<slug:group_slug>/publicering/moten/<int:pk>/",
        publishing.meeting_check,
        name="publishing_meeting",
    ),
    path(
        "grupper/<slug:group_slug>/publicering/moten/<int:pk>/okej/",
        publishing.meeting_confirm,
        name="publishing_meeting_confirm",
    ),
    path(
        "grupper/<slug:group_slug>/publicering/moten/<int:pk>/publicera/",
        publishing.meeting_publish,
        name="publishing_meeting_publish",
    ),
    path(
        "grupper/<slug:group_slug>/publicering/moten/<int:pk>/avpublicera/",
        publishing.meeting_unpublish,
        name="publishing_meeting_unpublish",
    ),
    path(
        "grupper/<slug:group_slug>/publicering/moten/<int:pk>/oppna-soc/",
        publishing.meeting_mirror,
        name="publishing_meeting_mirror",
    ),
    path(
        "grupper/<slug:group_slug>/publicering/studiebesok/<int:pk>/",
        publishing.visit_check,
        name="publishing_visit",
    ),
    path(
        "grupper/<slug:group_slug>/publicering/studiebesok/<int:pk>/okej/",
        publishing.visit_confirm,
        name="publishing_visit_confirm",
    ),
    path(
        "grupper/<slug:group_slug>/publicering/studiebesok/<int:pk>/publicera/",
        publishing.visit_publish,
        name="publishing_visit_publish",
    ),
    path(
        "grupper/<slug:group_slug>/publicering/studiebesok/<int:pk>/avpublicera/",
        publishing.visit_unpublish,
        name="publishing_visit_unpublish",
    ),
    path(
        "grupper/<slug:group_slug>/publicering/studiebesok/<int:pk>/oppna-soc/",
        publishing.visit_mirror,
        name="publishing_visit_mirror",
    ),
    path("sok/", search.search, name="search"),
    path("kalender/<str:token>.ics", calendar.feed, name="calendar_feed"),
    path("konto/kalender/", calendar.subscribe, name="calendar"),
    path("konto/kalender/ny-adress/", calendar.regenerate_token, name="calendar_regenerate"),
    path(
        "grupper/<slug:group_slug>/kalender/mote-<int:pk>.ics",
        calendar.meeting_ics,
        name="meeting_ics",
    ),
    path(
        "grupper/<slug:group_slug>/kalender/studiebesok-<int:pk>.ics",
        calendar.visit_ics,
        name="visit_ics",
    ),
]

# The public site (no login): what Öppna soc mirrors. Its search and calendar live with the
# staff ones in overview and read only what publishing made public.
public_patterns = [
    path("sok/", search.public_search, name="search"),
    path("<slug:group_slug>/kalender.ics", calendar.public_feed, name="calendar"),
    # After the fixed paths above: a group slug could otherwise shadow them.
    *public_urls.urlpatterns,
]

# The import of old minutes is one of the meetings' pages, but it creates tasks and publishes,
# which meetings may not: its views live in overview.
meetings_patterns = [
    *meetings_urls.urlpatterns,
    path("importera/", imports.upload, name="import"),
    path("importera/spara/", imports.confirm, name="import_confirm"),
]

urlpatterns = [
    # First: the public pages are the most requested, and no other path begins with oppet/.
    path("oppet/", include((public_patterns, "public"))),
    path("", include((groupwork_patterns, "groupwork"))),
    path(
        "grupper/<slug:group_slug>/moten/",
        include((meetings_patterns, meetings_urls.app_name)),
    ),
    path("grupper/<slug:group_slug>/uppgifter/", include("actions.urls")),
    path("grupper/<slug:group_slug>/studiebesok/", include("visits.urls")),
    # No one adds an address to their account: it would mail a stranger in their name, and an
    # account's address is the one its invitation was sent to (the administrator changes it).
    path("konto/email/", RedirectView.as_view(pattern_name="groupwork:profile")),
    path("konto/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
