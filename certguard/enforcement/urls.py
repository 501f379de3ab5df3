from django.urls import path

from certguard.enforcement import views

app_name = "enforcement"
urlpatterns = [
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/act/", views.task_act, name="task_act"),
    path("tasks/<int:pk>/onsite/", views.onsite, name="onsite"),
    path("sw.js", views.service_worker, name="sw"),
    path("documents/<int:pk>.pdf", views.document_pdf, name="document"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("registers/", views.registers, name="registers"),
    path("draws/", views.draws, name="draws"),
    path("draws/<int:pk>/", views.draw, name="draw"),
    path("penalties/", views.penalties, name="penalties"),
    path("penalties/<int:pk>/", views.penalty, name="penalty"),
    path("overdue/", views.overdue, name="overdue"),
    path("figures/", views.figures, name="figures"),
    path("public/draws/", views.public_draws, name="public_draws"),
    path("public/draws/<int:pk>/", views.public_draw, name="public_draw"),
    path("public/draws/<int:pk>/<str:name>", views.public_draw_file, name="public_draw_file"),
    path("public/penalties/", views.public_penalties, name="public_penalties"),
]
