from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("ny/", views.create, name="create"),
    path("ny/fran-rad/", views.quick_task, name="quick_task"),
    path("<int:pk>/angra/", views.undo_quick_task, name="undo_quick_task"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/andra/", views.edit, name="edit"),
    path("<int:pk>/klar/", views.complete, name="complete"),
    path("<int:pk>/oppna-igen/", views.reopen, name="reopen"),
    path("<int:pk>/stryk/", views.drop, name="drop"),
    path("<int:pk>/anteckning/", views.add_note, name="add_note"),
]
