"""URLs of the activity records and the calendar (mounted at /activities/)."""

from django.urls import path

from . import offline, views

app_name = "activities"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("export.xlsx", views.record_export, name="export"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/edit/", views.consultation_edit, name="consultation_edit"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("others/new/", views.other_create, name="other_create"),
    path("others/<int:pk>/", views.other_detail, name="other_detail"),
    path("others/<int:pk>/edit/", views.other_edit, name="other_edit"),
    path("offline/", offline.offline_queue, name="offline_queue"),
    path("offline/session.json", offline.offline_session, name="offline_session"),
    path("resource-picker/", views.resource_picker, name="resource_picker"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/team/", views.calendar_team, name="calendar_team"),
    path("calendar/entries/new/", views.entry_create, name="entry_create"),
    path("calendar/entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("calendar/entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("calendar/entries/<int:pk>/skip/", views.entry_skip, name="entry_skip"),
    path("calendar/entries/<int:pk>/record/", views.entry_record, name="entry_record"),
    path("calendar/subscription/", views.feed_manage, name="feed_manage"),
    path("calendar/feed/<str:token>.ics", views.feed, name="feed"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/new/", views.topic_create, name="topic_create"),
    path("topics/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
]
