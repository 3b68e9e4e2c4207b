"""Speed of the feedback text analytics on 100,000 generated short German comments.

Times ``SentimentModel.seed().predict``, ``SentimentModel.train`` on all comments with their labels,
and ``topics_find`` — each once, wall-clock, in this process. Comments (10–40 words) are generated
from templates with a seeded random generator, so every run sees the same data.

Usage (from the repository root):

    .venv/bin/python benchmarks/text_speed.py [--count 100000] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kundennah.feedback.text import SentimentModel, topics_find  # noqa: E402

SUBJECTS = {
    "Lieferung": ["Die Lieferung", "Das Paket", "Die Sendung", "Der Versand"],
    "Rechnung": ["Die Rechnung", "Die Gutschrift", "Die Abbuchung", "Die Mahnung"],
    "Hotline": ["Die Hotline", "Der Kundenservice", "Die Mitarbeiterin am Telefon", "Der Rückruf"],
    "Portal": ["Das Portal", "Die App", "Das Kundenkonto", "Die Online-Bestellung"],
    "Drucker": ["Der Drucker", "Die Tinte", "Der Toner", "Die Patrone"],
    "Techniker": ["Der Techniker", "Der Monteur", "Der Service-Techniker", "Der Außendienst"],
}
POSITIVE = ["war sehr schnell und freundlich", "hat alles super erklärt", "kam pünktlich und vollständig",
            "war kompetent und hilfsbereit", "funktioniert einwandfrei", "lief völlig problemlos",
            "hat mir wirklich toll geholfen", "war übersichtlich und verständlich"]
NEGATIVE = ["kam leider viel zu spät", "war total unfreundlich", "ist immer noch nicht gelöst",
            "hat sich nie gemeldet", "war falsch und ich musste dreimal anrufen", "funktioniert nicht",
            "ist beschädigt angekommen", "war eine echte Zumutung"]
NEUTRAL = ["wurde heute bearbeitet", "kam am Dienstag", "hat die Nummer notiert", "wurde weitergeleitet",
           "ist ganz okay", "war in Ordnung, aber nichts Besonderes"]
DETAILS = {
    "Lieferung": ["Der Bote hat das Paket beim Nachbarn abgegeben.", "Die Sendungsverfolgung zeigte nichts an.",
                  "Die Verpackung war riesig für den kleinen Inhalt.", "Die Lieferadresse war die Filiale in Köln."],
    "Rechnung": ["Der Betrag stimmte nicht mit dem Angebot überein.", "Die Rechnungsnummer fehlte auf dem Beleg.",
                 "Die Mehrwertsteuer wurde doppelt berechnet.", "Die Zahlung per Lastschrift ging zweimal ab."],
    "Hotline": ["Die Warteschleife dauerte zwanzig Minuten.", "Ich wurde zweimal weiterverbunden.",
                "Die Musik in der Warteschleife war laut.", "Der Rückruf kam am nächsten Vormittag."],
    "Portal": ["Das Passwort musste ich zurücksetzen.", "Die Bestellhistorie lädt sehr langsam.",
               "Die Suche nach Artikeln findet wenig.", "Das Formular für Adressänderungen ist versteckt."],
    "Drucker": ["Die Patrone wurde automatisch nachbestellt.", "Der Papierstau kam immer wieder.",
                "Der Füllstand wurde falsch angezeigt.", "Die Druckqualität war streifig."],
    "Techniker": ["Der Termin wurde am Vortag bestätigt.", "Das Ersatzteil musste erst bestellt werden.",
                  "Die Wartung dauerte zwei Stunden.", "Er hat die alte Anlage mitgenommen."],
}
FILLER = ["Ich hoffe, das bleibt so.", "Bitte melden Sie sich bei mir.", "Das habe ich so nicht erwartet.",
          "Meine Kundennummer steht in der Mail.", "Mal sehen, wie es weitergeht.", ""]


def generate(count: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[str] = []
    themes = list(SUBJECTS)
    for _ in range(count):
        theme = rng.choice(themes)
        roll = rng.random()
        if roll < 0.4:
            body, label = rng.choice(NEGATIVE), "negative"
        elif roll < 0.7:
            body, label = rng.choice(NEUTRAL), "neutral"
        else:
            body, label = rng.choice(POSITIVE), "positive"
        parts = [f"{rng.choice(SUBJECTS[theme])} {body}."]
        parts += rng.sample(DETAILS[theme], rng.randint(0, 3))
        parts.append(rng.choice(FILLER))
        texts.append(" ".join(p for p in parts if p))
        labels.append(label)
    return texts, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    texts, labels = generate(args.count, args.seed)
    words = [len(t.split()) for t in texts]
    print(f"{len(texts)} comments, {min(words)}–{max(words)} words (mean {sum(words) / len(words):.1f})")

    timings: dict[str, float] = {}
    start = time.perf_counter()
    SentimentModel.seed().predict(texts)
    timings["seed predict"] = time.perf_counter() - start
    start = time.perf_counter()
    model = SentimentModel.train(texts, labels)
    timings["train"] = time.perf_counter() - start
    start = time.perf_counter()
    result = topics_find(texts)
    timings["topics_find"] = time.perf_counter() - start
    start = time.perf_counter()
    model.predict(texts)
    timings["trained predict (extra)"] = time.perf_counter() - start

    for name, seconds in timings.items():
        print(f"{name:<24} {seconds:6.2f} s")
    required = timings["seed predict"] + timings["train"] + timings["topics_find"]
    print(f"{'seed + train + topics':<24} {required:6.2f} s  (target: well under 40 s)")
    print(f"topics: {len(result.topics)}: " + "; ".join(f"{t.label} ({t.size})" for t in result.topics))


if __name__ == "__main__":
    main()
