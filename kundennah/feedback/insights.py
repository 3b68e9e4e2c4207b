"""Insights: what the customers' answers and words say, computed in one run.

A run reads every answer (and the inbound messages of the last year), scores the tone of each
comment with the newest sentiment model, finds the topics in the words (no fixed list), writes
tone and topic back to each answer, and sums the answers per month, team, channel, site and
driver value into ``BalanceCell`` rows. The insights page and the API rank drivers from those
cells only, so they answer in milliseconds whatever the number of answers.

Runs nightly and on demand ("Jetzt neu berechnen"); a run that fails leaves the last good one in
place and records why.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kundennah.feedback.models import BalanceCell, InsightRun, MessageTone, Response, ResponseProduct
from kundennah.feedback.tone import sentiment_model
from kundennah.service.models import Message

log = logging.getLogger(__name__)

MESSAGE_WINDOW = dt.timedelta(days=365)
MESSAGE_LIMIT = 50_000
WRITE_BATCH = 5_000
QUOTES_PER_TOPIC = 5


def _month(instant: dt.datetime) -> dt.date:
    return timezone.localtime(instant).date().replace(day=1)


def _executemany(sql: str, rows: list[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_BATCH):
            cursor.executemany(sql, rows[start:start + WRITE_BATCH])


def insights_recompute(*, actor: Any = None, now: dt.datetime | None = None) -> InsightRun:
    """Compute tone, topics and balance cells from all answers. Returns the run (done or failed)."""
    now = now or timezone.now()
    run = InsightRun.objects.create(started_at=now, started_by=actor if getattr(actor, "pk", None) else None)
    started = time.perf_counter()
    try:
        results = _compute(run, now=now)
    except Exception as exc:
        log.exception("insights run %s failed", run.pk)
        run.state, run.error = InsightRun.State.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at, run.seconds = timezone.now(), time.perf_counter() - started
        run.save(update_fields=["state", "error", "finished_at", "seconds"])
        return run
    run.state, run.results = InsightRun.State.DONE, results
    run.finished_at, run.seconds = timezone.now(), round(time.perf_counter() - started, 2)
    run.save(update_fields=["state", "results", "finished_at", "seconds", "responses", "messages"])
    return run


def _compute(run: InsightRun, *, now: dt.datetime) -> dict[str, Any]:
    from kundennah.feedback.text.language import language_of
    from kundennah.feedback.text.topics import topics_find

    timings: dict[str, float] = {}
    mark = time.perf_counter()
    rows = list(Response.objects.values_list(
        "id", "comment", "contact_at", "team_id", "channel", "site_id", "category_id", "balance", "fulfilled",
        "sentiment", "sentiment_score", "language", "topic",
    ))
    products: dict[int, list[int]] = defaultdict(list)
    for response_id, product_id in ResponseProduct.objects.values_list("response_id", "product_id"):
        products[response_id].append(product_id)
    messages = list(
        Message.objects.filter(kind=Message.Kind.INBOUND, created_at__gte=now - MESSAGE_WINDOW)
        .exclude(channel="feedback").order_by("-id").values_list("id", "body")[:MESSAGE_LIMIT]
    )
    timings["read"] = time.perf_counter() - mark

    mark = time.perf_counter()
    commented = [row for row in rows if row[1]]
    texts = [row[1] for row in commented]
    message_texts = [body[:2000] for _id, body in messages]
    model = sentiment_model()
    tones = model.predict(texts + message_texts) if texts or message_texts else []
    timings["sentiment"] = time.perf_counter() - mark

    mark = time.perf_counter()
    found = topics_find(texts + message_texts)
    topic_keys = [found.topics[i].key if i is not None else "" for i in found.assignment]
    timings["topics"] = time.perf_counter() - mark

    mark = time.perf_counter()
    changed: list[tuple[Any, ...]] = []
    balance_by_id: dict[int, tuple[int, str]] = {}
    topic_of: dict[int, str] = {}
    for index, row in enumerate(commented):
        tone, key = tones[index], topic_keys[index]
        language = language_of(row[1])
        score = round(tone.score, 3)
        topic_of[row[0]] = key
        balance_by_id[row[0]] = (row[7], row[1])
        if (row[9], row[10], row[11], row[12]) != (tone.label, score, language, key):
            changed.append((tone.label, score, language, key, row[0]))
    uncommented_with_topic = [(row[0],) for row in rows if not row[1] and row[12]]
    with transaction.atomic():
        _executemany(
            "UPDATE feedback_response SET sentiment = %s, sentiment_score = %s, language = %s, topic = %s "
            "WHERE id = %s", changed)
        _executemany("UPDATE feedback_response SET topic = '' WHERE id = %s", uncommented_with_topic)
        _message_tones(messages, tones[len(texts):], topic_keys[len(texts):], now=now)
        cells = _cells(rows, topic_of, products)
        BalanceCell.objects.all().delete()
        BalanceCell.objects.bulk_create(cells, batch_size=WRITE_BATCH)
    timings["write"] = time.perf_counter() - mark
    run.responses, run.messages = len(rows), len(messages)

    topics = []
    all_texts = texts + message_texts
    for topic in found.topics:
        # Typical comments first; a topic found only in messages quotes those.
        quotes = [all_texts[i][:300] for i in sorted(topic.representative, key=lambda i: i >= len(texts))]
        member_balances = [balance_by_id[i][0] for i, key in topic_of.items() if key == topic.key]
        topics.append({
            "key": topic.key, "label": topic.label, "terms": topic.terms, "size": topic.size,
            "answers": len(member_balances),
            "mean": round(sum(member_balances) / len(member_balances), 1) if member_balances else None,
            "quotes": quotes[:QUOTES_PER_TOPIC],
        })
    return {"topics": topics, "timings": {k: round(v, 2) for k, v in timings.items()},
            "model": {"trained_on": getattr(model, "trained_on", 0)}}


def _message_tones(messages: list[tuple[int, str]], tones: list[Any], topics: list[str], *, now: dt.datetime) -> None:
    from kundennah.feedback.text.language import language_of

    # Replaced as a whole: the topics are new on every run, so old assignments mean nothing.
    MessageTone.objects.all().delete()

    MessageTone.objects.bulk_create([
        MessageTone(message_id=message_id, language=language_of(body[:2000]), sentiment=tone.label,
                    sentiment_score=round(tone.score, 3), topic=topic, analysed_at=now)
        for (message_id, body), tone, topic in zip(messages, tones, topics, strict=True)
    ], batch_size=WRITE_BATCH, ignore_conflicts=True)


def _cells(rows: Iterable[tuple[Any, ...]], topic_of: dict[int, str],
           products: dict[int, list[int]]) -> list[BalanceCell]:
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    D = BalanceCell.Dimension
    for row in rows:
        response_id, _comment, contact_at, team_id, channel, site_id, category_id, balance, fulfilled = row[:9]
        month = _month(contact_at)
        values: list[tuple[str, str]] = [(D.ALL, ""), (D.CHANNEL, channel)]
        if team_id:
            values.append((D.TEAM, str(team_id)))
        if site_id:
            values.append((D.SITE, str(site_id)))
        if category_id:
            values.append((D.CATEGORY, str(category_id)))
        if topic_of.get(response_id):
            values.append((D.TOPIC, topic_of[response_id]))
        values.extend((D.PRODUCT, str(product_id)) for product_id in products.get(response_id, ()))
        for dimension, value in values:
            # Only the site-wide sums keep the site: a site filter reads the answers themselves
            # (few, by index), and the cells stay few enough to sum in milliseconds.
            site = site_id if dimension in (D.ALL, D.SITE) else None
            cell = sums[(month, team_id, channel, site, dimension, value)]
            cell[0] += 1
            cell[1] += balance
            cell[2] += fulfilled == "yes"
            cell[3] += balance < 0
    return [
        BalanceCell(month=month, team_id=team_id, channel=channel, site_id=site_id, dimension=dimension, value=value,
                    answers=n, balance_sum=total, fulfilled=yes, negative=negative)
        for (month, team_id, channel, site_id, dimension, value), (n, total, yes, negative) in sums.items()
    ]


def latest_run() -> InsightRun | None:
    return InsightRun.objects.filter(state=InsightRun.State.DONE).order_by("-started_at", "-id").first()


# A run takes under a minute; one still "running" after this long died with its worker.
RUN_GIVEN_UP_AFTER = dt.timedelta(minutes=30)


def run_in_progress() -> InsightRun | None:
    since = timezone.now() - RUN_GIVEN_UP_AFTER
    return InsightRun.objects.filter(state=InsightRun.State.RUNNING, started_at__gte=since).order_by(
        "-started_at").first()
