"""Behaviour of the offline text analytics (pure Python, no database)."""

from __future__ import annotations

import random

import pytest

from kundennah.feedback.text import SentimentModel, language_of, topics_find


@pytest.fixture(scope="module")
def seed() -> SentimentModel:
    return SentimentModel.seed()


def labels(model: SentimentModel, texts: list[str]) -> list[str]:
    return [s.label for s in model.predict(texts)]


def test_language_is_told_from_function_words():
    assert language_of("Der Techniker war sehr freundlich und hat mir geholfen.") == "de"
    assert language_of("The technician was friendly and fixed my printer.") == "en"
    assert language_of("") == "de"


def test_clear_german_and_english_comments_get_the_right_label(seed):
    negative = ["Die Lieferung kam viel zu spät und niemand hat sich gemeldet.", "Katastrophaler Service!",
                "The hotline was rude and completely useless."]
    positive = ["Sehr freundlich und kompetent, vielen Dank!", "Alles reibungslos, top Service.",
                "Great support, the technician was very helpful."]
    assert labels(seed, negative) == ["negative"] * 3
    assert labels(seed, positive) == ["positive"] * 3
    assert all(-1.0 <= s.score <= 1.0 for s in seed.predict(negative + positive))


def test_negation_turns_the_meaning(seed):
    assert labels(seed, ["Der Mitarbeiter war nicht freundlich."]) == ["negative"]
    assert labels(seed, ["Der Drucker funktioniert leider immer noch nicht."]) == ["negative"]
    assert labels(seed, ["The agent was not helpful."]) == ["negative"]
    assert labels(seed, ["Kein Problem, hat alles geklappt."]) != ["negative"]


def test_intensifiers_strengthen(seed):
    plain, strong = seed.predict(["freundlich", "extrem freundlich"])
    assert strong.score > plain.score > 0


def two_themes(count: int, rng: random.Random) -> tuple[list[str], list[int]]:
    delivery = ["Lieferung", "Paket", "Zusteller", "Versand", "Sendung"]
    delivery_words = ["verspätet", "beschädigt", "Nachbarn", "Haustür", "Sendungsverfolgung"]
    invoice = ["Rechnung", "Betrag", "Gutschrift", "Mahnung", "Abbuchung"]
    invoice_words = ["doppelt", "Mehrwertsteuer", "Lastschrift", "Rechnungsnummer", "Kontoauszug"]
    texts: list[str] = []
    themes: list[int] = []
    for i in range(count):
        nouns, words = (delivery, delivery_words) if i % 2 == 0 else (invoice, invoice_words)
        picked = rng.sample(nouns, 3) + rng.sample(words, 2)
        texts.append(f"Die {picked[0]} und der {picked[1]}: {picked[3]}, {picked[2]} {picked[4]}.")
        themes.append(i % 2)
    return texts, themes


def test_topics_are_found_in_the_data_with_real_word_labels():
    texts, themes = two_themes(200, random.Random(3))
    result = topics_find(texts, seed=0)
    assert len(result.topics) == 2
    assert len(result.assignment) == len(texts)
    # Each topic holds one theme.
    for index, topic in enumerate(result.topics):
        members = [i for i, a in enumerate(result.assignment) if a == index]
        assert topic.size == len(members)
        assert len({themes[i] for i in members}) == 1
        assert set(topic.representative) <= set(members)
        assert 1 <= len(topic.representative) <= 5
        assert len(topic.terms) == 8
    words = " ".join(t.label for t in result.topics)
    assert "Lieferung" in words or "Paket" in words or "Sendung" in words
    assert "Rechnung" in words or "Betrag" in words or "Gutschrift" in words or "Mahnung" in words
    assert all(t.key and t.key == t.key.lower() and " " not in t.key for t in result.topics)
    # Deterministic for a seed.
    assert topics_find(texts, seed=0) == result


def test_training_beats_the_seed_on_vocabulary_the_lexicon_does_not_know(seed):
    rng = random.Random(7)
    good = ["knorke", "dufte", "bombig", "famos"]
    bad = ["murks", "pfusch", "gurkig", "lausig"]
    subjects = ["Der Drucker", "Die Hotline", "Das Portal", "Die Lieferung", "Der Techniker"]

    def make(n: int) -> tuple[list[str], list[str]]:
        texts, truth = [], []
        for _ in range(n):
            positive = rng.random() < 0.5
            texts.append(f"{rng.choice(subjects)} war {rng.choice(good if positive else bad)}")
            truth.append("positive" if positive else "negative")
        return texts, truth

    train_texts, train_labels = make(200)
    test_texts, test_labels = make(100)
    model = SentimentModel.train(train_texts, train_labels)
    assert model.trained_on == 200

    def accuracy(m: SentimentModel) -> float:
        return sum(p == t for p, t in zip(labels(m, test_texts), test_labels, strict=True)) / len(test_labels)

    assert accuracy(model) > 0.9 > accuracy(seed)


def test_training_needs_enough_labels_of_two_classes():
    with pytest.raises(ValueError, match="at least 30"):
        SentimentModel.train(["gut"] * 5, ["positive"] * 5)
    with pytest.raises(ValueError, match="two labels"):
        SentimentModel.train(["gut"] * 40, ["positive"] * 40)


def test_models_round_trip_through_bytes(seed):
    texts = [f"Service war {'super' if i % 2 else 'mies'} Nummer {i}" for i in range(60)]
    truth = ["positive" if i % 2 else "negative" for i in range(60)]
    model = SentimentModel.train(texts, truth)
    loaded = SentimentModel.from_bytes(model.to_bytes())
    assert loaded.trained_on == 60
    assert loaded.predict(texts) == model.predict(texts)
    assert SentimentModel.from_bytes(seed.to_bytes()).predict(texts) == seed.predict(texts)
    with pytest.raises(ValueError):
        SentimentModel.from_bytes(b"not a model")


def test_empty_and_tiny_input_give_empty_results(seed):
    assert seed.predict([]) == []
    assert topics_find([]).topics == []
    tiny = topics_find(["passt", "Danke!", ""])
    assert tiny.topics == [] and tiny.assignment == [None, None, None]


def test_a_very_long_comment_works(seed):
    long = ("Die Lieferung war leider wieder verspätet und der Service unfreundlich. " * 1400)[:100_000]
    (result,) = seed.predict([long])
    assert result.label == "negative"
    assert topics_find([long] * 12).assignment is not None
