from django.urls import path

from kundennah.feedback import insight_views, views

app_name = "feedback"
urlpatterns = [
    path("customers/<int:customer_id>/", views.customer_balance, name="customer_balance"),
    path("insights/", insight_views.insights, name="insights"),
    path("insights/status/", insight_views.run_status, name="run_status"),
    path("insights/recompute/", insight_views.recompute, name="recompute"),
    path("insights/retrain/", insight_views.retrain, name="retrain"),
    path("insights/tasks/", insight_views.action_create, name="action_create"),
    path("insights/tasks/<int:action_id>/done/", insight_views.action_done, name="action_done"),
    path("export/responses.csv", insight_views.responses_csv, name="responses_csv"),
    path("export/balances.csv", insight_views.balances_csv, name="balances_csv"),
]
