"""Generated feedback: varied German comments, bulk answers with balances, a demo with a story."""

from __future__ import annotations

import random
from statistics import mean

import pytest

from kundennah.customers.models import Customer, Site
from kundennah.customers.tests import factories as customers
from kundennah.feedback.models import CustomerBalance, Response, ResponseProduct, Survey
from kundennah.feedback.seeding import (
    THEMES,
    Story,
    comments_generate,
    feedback_history_seed,
    tone_of_answer,
)
from kundennah.feedback.text.language import language_of


def test_comments_are_deterministic_for_a_seed():
    assert comments_generate(random.Random(7), 200) == comments_generate(random.Random(7), 200)
    assert comments_generate(random.Random(7), 50) != comments_generate(random.Random(8), 50)


def test_comments_are_mostly_german_varied_and_cover_every_theme():
    comments = comments_generate(random.Random(3), 1_000)
    texts = [c.text for c in comments]
    assert len(set(texts)) > 450
    english = sum(1 for c in comments if c.language == "en")
    assert 30 <= english <= 150  # about 8 %
    detected_german = sum(1 for c in comments if c.language == "de" and language_of(c.text) == "de")
    assert detected_german / sum(1 for c in comments if c.language == "de") > 0.9
    assert {c.theme for c in comments} == set(THEMES)
    assert any(len(t) < 8 for t in texts) and any(len(t) > 150 for t in texts)  # "passt" and long ones
    joined = " ".join(texts)
    for word in ("Lieferung verspätet", "Spedition", "Rechnung doppelt", "Gutschrift fehlt", "Warteschleife",
                 "niemand erreichbar", "freundlich", "kompetent", "Portal", "Techniker", "Toner kam automatisch",
                 "Rückruf"):
        assert word.lower() in joined.lower(), word


def test_tone_of_answer_follows_the_balance():
    assert tone_of_answer(fulfilled="yes", feeling=5) == "positive"
    assert tone_of_answer(fulfilled="no", feeling=4) == "negative"
    assert tone_of_answer(fulfilled="partly", feeling=3) == "neutral"


@pytest.fixture
def world(db):
    people = [customers.person(first_name=f"Kunde{i}", last_name="Test") for i in range(6)]
    company = customers.organisation(name="Bäckerei Beispiel", sites=[
        customers.site_input("Filiale Nord"), customers.site_input("Filiale Süd", iban="")])
    return people, company


@pytest.mark.django_db
def test_seeding_writes_answered_surveys_with_balances_and_a_story(world):
    people, company = world
    story_site = Site.objects.filter(organisation=company).order_by("id").first()
    written = feedback_history_seed(responses=400, seed=5, story=Story(site_id=story_site.pk), batch_size=150)
    assert written == 400
    assert Survey.objects.filter(state=Survey.State.ANSWERED).count() == 400
    assert Response.objects.count() == 400
    assert Response.objects.filter(balance__lt=-100).count() == Response.objects.filter(balance__gt=100).count() == 0
    assert Response.objects.exclude(sentiment="").count() == 0  # left to the insights run
    assert len(set(Survey.objects.values_list("key", flat=True))) == 400
    touched = set(Response.objects.values_list("customer_id", flat=True))
    assert CustomerBalance.objects.count() == len(touched)
    for balance in CustomerBalance.objects.all():
        assert -100 <= balance.running <= 100
        assert balance.answers == Response.objects.filter(customer_id=balance.customer_id).count()
    # The story: the chosen site is clearly below the average.
    overall = mean(Response.objects.values_list("balance", flat=True))
    at_site = list(Response.objects.filter(site=story_site).values_list("balance", flat=True))
    assert len(at_site) >= 10
    assert mean(at_site) < overall - 20
    # Surveys stand alone without concerns; history, not today, for the "asked recently" rule.
    assert not Survey.objects.filter(concern__isnull=False).exists()
    newest = Survey.objects.order_by("-created_at").first()
    assert newest.created_at == newest.contact_at
    # Balances of a second run add up, and a seed gives the same data again.
    feedback_history_seed(responses=50, seed=6)
    assert CustomerBalance.objects.get(customer=people[0]).answers == Response.objects.filter(
        customer=people[0]).count()


@pytest.mark.django_db
def test_seeding_with_concerns_links_every_service_answer_to_a_resolved_concern(world):
    feedback_history_seed(responses=120, seed=9, concerns=True)
    service = Survey.objects.exclude(trigger=Survey.Trigger.ORDER)
    assert service.exists() and not service.filter(concern__isnull=True).exists()
    assert set(service.values_list("concern__status", flat=True)) <= {"resolved", "closed"}
    assert all(s.concern.messages.exists() for s in service[:5])


@pytest.fixture
def demo(db):
    from kundennah.commerce.demo import commerce_demo_load
    from kundennah.customers.seeding.demo import demo_load, demo_users_ensure
    from kundennah.service.demo import service_demo_load

    demo_users_ensure(passwords={"admin": "x" * 12, "teamlead": "y" * 12, "agent": "z" * 12, "einkauf": "w" * 12},
                      reset=False)
    demo_load(persons=8, organisations=1)
    service_demo_load()
    commerce_demo_load()


@pytest.mark.django_db
def test_demo_feedback_is_loaded_once_with_follow_ups_open_surveys_and_a_story(demo):
    from kundennah.feedback.demo import feedback_demo_load

    written = feedback_demo_load(answers=400)
    assert 390 <= written <= 400
    counts = (Survey.objects.count(), Response.objects.count())
    assert feedback_demo_load(answers=400) == 0
    assert (Survey.objects.count(), Response.objects.count()) == counts

    follow_ups = Response.objects.filter(follow_up__isnull=False)
    assert follow_ups.count() >= 4
    assert all(r.balance < 0 or r.fulfilled == "no" for r in follow_ups)
    assert follow_ups.filter(survey__concern__isnull=False).exists()
    assert Survey.objects.filter(state=Survey.State.SENT, concern__isnull=False).count() >= 2
    assert ResponseProduct.objects.filter(response__survey__order__isnull=False).exists()
    assert not Survey.objects.filter(trigger=Survey.Trigger.CONCERN, concern__isnull=True).exists()

    bakery = Customer.objects.get(name="Bäckerei Sonnenkorn")
    schwabing = Site.objects.get(organisation=bakery, name="Filiale Schwabing")
    overall = mean(Response.objects.values_list("balance", flat=True))
    at_site = list(Response.objects.filter(site=schwabing).values_list("balance", flat=True))
    assert mean(at_site) < overall - 20
    phone = mean(Response.objects.filter(channel="phone").values_list("balance", flat=True))
    assert phone < overall
    friendly = mean(Response.objects.filter(team__name="Technikservice").values_list("balance", flat=True))
    assert friendly > overall + 20
    assert CustomerBalance.objects.filter(customer=bakery).exists()


@pytest.mark.django_db
def test_insights_page_on_the_demo_shows_ranked_drivers_with_quotes(demo):
    from django.test import Client

    from kundennah.accounts.models import User
    from kundennah.feedback.demo import feedback_demo_load
    from kundennah.feedback.insights import insights_recompute

    feedback_demo_load(answers=400)
    assert insights_recompute().state == "done"
    client = Client()
    client.force_login(User.objects.get(username="teamlead"))
    page = client.get("/feedback/insights/?months=12").content.decode()
    assert page.count('class="card mb-3 driver"') >= 3
    assert page.count("<blockquote") >= 3
    assert "Filiale Schwabing" in page or "Rechnung" in page
    assert "Vorschlag" in page
