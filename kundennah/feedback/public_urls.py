from django.urls import path

from kundennah.feedback import public_views

app_name = "feedback_public"
# Short on purpose: the link must fit into a text message.
urlpatterns = [
    path("<str:token>/", public_views.answer, name="answer"),
    path("<str:token>/danke/", public_views.thanks, name="thanks"),
    path("<str:token>/abmelden/", public_views.opt_out, name="opt_out"),
]
