from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("match/", views.quick_match, name="quick_match"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/match/", views.case_match, name="match"),
    path("<int:pk>/entries/", views.entry_create, name="entry_create"),
    path("<int:pk>/referrals/", views.referral_create, name="referral_create"),
    path(
        "<int:pk>/referrals/suggested/", views.referral_from_suggestion, name="referral_suggested"
    ),
    path("<int:pk>/story/", views.story_create, name="story_create"),
    path("<int:pk>/export/", views.case_person_export, name="person_export"),
    path("<int:pk>/delete/", views.case_person_delete, name="person_delete"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("referrals/<int:pk>/advance/", views.referral_advance, name="referral_advance"),
    path("referrals/<int:pk>/follow-up/", views.referral_follow_up, name="referral_follow_up"),
    path("stories/", views.story_library, name="stories"),
    path("stories/<int:pk>/", views.story_detail, name="story_detail"),
    path("stories/<int:pk>/edit/", views.story_edit, name="story_edit"),
    path("stories/<int:pk>/submit/", views.story_submit, name="story_submit"),
    path("stories/<int:pk>/review/", views.story_review, name="story_review"),
    path("stories/<int:pk>/withdraw/", views.story_withdraw, name="story_withdraw"),
]
