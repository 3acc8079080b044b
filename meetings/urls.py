from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("planera/", views.plan, name="plan"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/skriv/", views.edit, name="edit"),
    path("<int:pk>/skriv/forra-motet/", views.previous_minutes, name="previous_minutes"),
    path("<int:pk>/borja-skriva/", views.start_writing, name="start_writing"),
    path("<int:pk>/justera/", views.approve, name="approve"),
    path("<int:pk>/avsluta/", views.close, name="close"),
    path("<int:pk>/skicka-tillbaka/", views.send_back, name="send_back"),
    path("<int:pk>/ratta/", views.reopen, name="reopen"),
    path("<int:pk>/stall-in/", views.cancel, name="cancel"),
    path("<int:pk>/visa/", views.projector, name="projector"),
    path("<int:pk>/visa/skarm/", views.projector_screen, name="projector_screen"),
    path("<int:pk>/visa/punkt/", views.projector_show, name="projector_show"),
    path("<int:pk>/historik/", views.history, name="history"),
    path("<int:pk>/historik/<int:history_id>/aterstall/", views.restore, name="restore"),
    path("<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("<int:pk>/gaster/", views.add_guest, name="add_guest"),
    path(
        "<int:pk>/gaster/<int:attendance_pk>/ta-bort/", views.remove_guest, name="remove_guest"
    ),
    path("<int:pk>/punkter/", views.add_item, name="add_item"),
    path("<int:pk>/forsta-raden/", views.understand, name="understand"),
    path("<int:pk>/punkter/<int:item_pk>/", views.save_item, name="save_item"),
    path("<int:pk>/punkter/<int:item_pk>/flytta/", views.move_item, name="move_item"),
    path("<int:pk>/punkter/<int:item_pk>/ta-bort/", views.delete_item, name="delete_item"),
    path("<int:pk>/punkter/<int:item_pk>/historik/", views.item_history, name="item_history"),
    path(
        "<int:pk>/punkter/<int:item_pk>/historik/<int:history_id>/aterstall/",
        views.restore_item,
        name="restore_item",
    ),
    path("<int:pk>/bilagor/", views.upload, name="upload"),
    path("<int:pk>/bilagor/<int:attachment_pk>/", views.attachment, name="attachment"),
    path(
        "<int:pk>/bilagor/<int:attachment_pk>/ta-bort/",
        views.delete_attachment,
        name="delete_attachment",
    ),
]
