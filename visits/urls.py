from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="list"),
    path("nytt/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/andra/", views.edit, name="edit"),
    path("<int:pk>/status/", views.move, name="move"),
    path("<int:pk>/deltagare/bjud-in/", views.invite_members, name="invite_members"),
    path("<int:pk>/deltagare/gast/", views.add_guest, name="add_guest"),
    path(
        "<int:pk>/deltagare/<int:participant_pk>/",
        views.edit_participant,
        name="edit_participant",
    ),
    path(
        "<int:pk>/deltagare/<int:participant_pk>/ta-bort/",
        views.remove_participant,
        name="remove_participant",
    ),
    path("<int:pk>/deltagare/<int:participant_pk>/svar/", views.answer, name="answer"),
    path("<int:pk>/rapport/", views.report, name="report"),
    path("<int:pk>/rapport/historik/", views.report_history, name="report_history"),
    path(
        "<int:pk>/rapport/historik/<int:history_id>/aterstall/",
        views.report_restore,
        name="report_restore",
    ),
    path("<int:pk>/rapport/publicering/", views.report_publish, name="report_publish"),
    path("punkter/<int:item_pk>/", views.link_item, name="link_item"),
]
