from django.urls import path

from . import views

# Included by schedule/urls.py under events/<slug>/talks/<talk>/ (app namespace "schedule").
urlpatterns = [
    path("questions/", views.question_list, name="question-list"),
    path("questions/ask/", views.ask, name="question-ask"),
    path("questions/<int:pk>/vote/", views.vote, name="question-vote"),
    path("questions/<int:pk>/edit/", views.edit, name="question-edit"),
    path("questions/<int:pk>/withdraw/", views.withdraw, name="question-withdraw"),
    path("questions/<int:pk>/moderate/", views.moderate, name="question-moderate"),
    path("stage/", views.stage, name="talk-stage"),
    path("stage/questions/", views.stage_list, name="talk-stage-list"),
]
