from django.urls import path

from . import views

app_name = "councils"

urlpatterns = [
    path("", views.index, name="index"),
    path("issues/", views.issue_list, name="issue_list"),
    path("issues/new/", views.issue_create, name="issue_create"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/edit/", views.issue_edit, name="issue_edit"),
    path("issues/<int:pk>/advance/", views.issue_advance, name="issue_advance"),
    path("issues/<int:pk>/merge/", views.issue_merge, name="issue_merge"),
    path("issues/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("issues/<int:pk>/evidence/search/", views.evidence_search, name="evidence_search"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("attach/", views.attach_from_record, name="attach"),
    path("bodies/", views.council_list, name="council_list"),
    path("bodies/<int:pk>/", views.council_detail, name="council_detail"),
    path("bodies/<int:council_pk>/members/new/", views.member_edit, name="member_create"),
    path("bodies/<int:council_pk>/members/<int:pk>/", views.member_edit, name="member_edit"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/briefing.pdf", views.briefing_pack, name="briefing_pack"),
    path("agenda/<int:pk>/decision/", views.agenda_decide, name="agenda_decide"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_edit, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path(
        "proposals/<int:pk>/recommendations/", views.recommendation_add, name="recommendation_add"
    ),
    path(
        "recommendations/<int:pk>/answer/",
        views.recommendation_answer,
        name="recommendation_answer",
    ),
    path(
        "recommendations/<int:pk>/publish/",
        views.recommendation_publish,
        name="recommendation_publish",
    ),
    path("recommendations/<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("public/<str:code>/", views.public_accountability, name="public"),
]
