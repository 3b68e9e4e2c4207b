"""Customer search: the keys a customer is found under, and how a typed query becomes lookups.

Every customer has rows in ``SearchKey`` (folded name words, number, emails, E.164 phones,
postcodes, site words, IBANs). A query is classified (email, phone, IBAN, number, postcode or
words) and answered from the ``(kind, key)`` index by equality or a prefix range, so it costs
the same at a thousand customers as at a million.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from kundennah.core.emails import email_match_key
from kundennah.core.folding import fold_query_word, fold_variants, words
from kundennah.core.phones import phone_try_normalise
from kundennah.customers.models import (
    BankAccount,
    ContactPoint,
    Customer,
    SearchKey,
    Site,
)

K = SearchKey.Kind
MIN_PREFIX = 2
MAX_WORDS = 5


def _number_keys(number: str) -> set[str]:
    compact = re.sub(r"[^A-Za-z0-9]", "", number).lower()
    keys = {compact} if compact else set()
    digits = re.sub(r"\D", "", number)
    if digits and digits != compact:
        keys.add(digits)
    return keys


def keys_for_values(
    *,
    customer: Customer,
    contact_points: Iterable[tuple[str, str, str]],
    site_names: Iterable[str],
    site_postcodes: Iterable[str],
    ibans: Iterable[str],
) -> set[tuple[str, str]]:
    """(kind, key) pairs from already-loaded values. ``contact_points`` are (kind, value, postcode)."""
    keys: set[tuple[str, str]] = set()
    name_text = " ".join(
        p for p in (customer.first_name, customer.last_name, customer.name, customer.display_name) if p
    )
    for word in words(name_text):
        for variant in fold_variants(word):
            keys.add((K.NAME, variant[:120]))
    for key in _number_keys(customer.number):
        keys.add((K.NUMBER, key))
    for kind, value, postcode in contact_points:
        if kind == ContactPoint.Kind.EMAIL:
            keys.add((K.EMAIL, value.lower()[:120]))
            # Also without plus-addressing, so mail from hans@… finds the customer saved as hans+shop@….
            keys.add((K.EMAIL, email_match_key(value)[:120]))
        elif kind == ContactPoint.Kind.PHONE:
            keys.add((K.PHONE, value))
        elif kind == ContactPoint.Kind.POSTAL and postcode:
            keys.add((K.POSTCODE, postcode.lower()))
    for name in site_names:
        for word in words(name):
            for variant in fold_variants(word):
                keys.add((K.SITE, variant[:120]))
    for postcode in site_postcodes:
        if postcode:
            keys.add((K.POSTCODE, postcode.lower()))
    for iban in ibans:
        keys.add((K.IBAN, iban.upper()))
    return keys


def search_keys_build(customer: Customer) -> set[tuple[str, str]]:
    return keys_for_values(
        customer=customer,
        contact_points=ContactPoint.objects.filter(customer=customer).values_list("kind", "value", "postal_code"),
        site_names=Site.objects.filter(organisation=customer).values_list("name", flat=True),
        site_postcodes=Site.objects.filter(organisation=customer).values_list("delivery_postal_code", flat=True),
        ibans=BankAccount.objects.filter(customer=customer).values_list("iban", flat=True),
    )


def search_index_refresh(customer: Customer) -> None:
    """Rewrite the customer's search keys to match the record. Call inside the change's transaction."""
    wanted = search_keys_build(customer)
    existing = set(SearchKey.objects.filter(customer=customer).values_list("kind", "key"))
    stale = existing - wanted
    if stale:
        condition = Q()
        for kind, key in stale:
            condition |= Q(kind=kind, key=key)
        SearchKey.objects.filter(Q(customer=customer) & condition).delete()
    missing = wanted - existing
    if missing:
        SearchKey.objects.bulk_create(SearchKey(customer=customer, kind=k, key=v) for k, v in missing)


# --- Queries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """One way of reading the query: keys of ``kind`` equal to (or starting with) ``key``."""

    kind: str
    key: str
    prefix: bool = False

    def condition(self, ref: str = "") -> Q:
        kind_field, key_field = f"{ref}kind", f"{ref}key"
        if not self.prefix:
            return Q(**{kind_field: self.kind, key_field: self.key})
        # A half-open range instead of LIKE: it uses the (kind, key) B-tree on SQLite and on
        # PostgreSQL alike. Keys are folded to [a-z0-9], so bumping the last character is exact.
        upper = self.key[:-1] + chr(ord(self.key[-1]) + 1)
        return Q(**{kind_field: self.kind, f"{key_field}__gte": self.key, f"{key_field}__lt": upper})


@dataclass(frozen=True)
class ParsedQuery:
    """Alternatives (any may match) or, for plain words, all words must match."""

    alternatives: tuple[Lookup, ...] = ()
    all_words: tuple[tuple[Lookup, ...], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.alternatives and not self.all_words


_EMAIL_LIKE = re.compile(r"^\S+@\S*$")
_PHONE_LIKE = re.compile(r"^[+(]?[\d\s/().\-]{5,}$")
_NUMBER_LIKE = re.compile(r"^[A-Za-z]{1,4}[-_/.]?\d{3,}$")
_IBAN_LIKE = re.compile(r"^[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{10,40}$")


def query_parse(text: str) -> ParsedQuery:
    query = " ".join((text or "").split())[:200]
    if not query:
        return ParsedQuery()
    if _EMAIL_LIKE.match(query):
        key = query.lower()
        return ParsedQuery(alternatives=(Lookup(K.EMAIL, key, prefix=not key.split("@", 1)[1]),))
    compact = query.replace(" ", "").upper()
    if _IBAN_LIKE.match(query):
        return ParsedQuery(alternatives=(Lookup(K.IBAN, compact),))
    if _NUMBER_LIKE.match(query):
        return ParsedQuery(alternatives=tuple(Lookup(K.NUMBER, k) for k in _number_keys(query)))
    if _PHONE_LIKE.match(query):
        digits = re.sub(r"\D", "", query)
        lookups: list[Lookup] = [Lookup(K.NUMBER, digits)]
        if len(digits) in (4, 5):
            lookups.append(Lookup(K.POSTCODE, digits))
        e164 = phone_try_normalise(query)
        if e164:
            lookups.append(Lookup(K.PHONE, e164))
        return ParsedQuery(alternatives=tuple(dict.fromkeys(lookups)))
    groups = []
    for word in words(query)[:MAX_WORDS]:
        key = fold_query_word(word)
        if not key:
            continue
        prefix = len(key) >= MIN_PREFIX
        groups.append(
            (
                Lookup(K.NAME, key, prefix=prefix),
                Lookup(K.SITE, key, prefix=prefix),
                Lookup(K.NUMBER, key),
                Lookup(K.POSTCODE, key),
            )
        )
    return ParsedQuery(all_words=tuple(groups))


# A word with this many keys (per lookup) is "dense": checking a candidate for it succeeds
# within a few candidates; collecting all of its customers first would cost more.
DENSE_ROWS = 20_000
# Rows read beyond what is still missing: a customer rarely has two keys in one lookup's range.
MARGIN = 5


def _lookup_keys(lookup: Lookup) -> QuerySet[SearchKey]:
    # One lookup per query, never an OR of lookups: a single range is an index-only scan on both
    # databases, an OR becomes a bitmap heap scan on PostgreSQL that reads a table page per key.
    return SearchKey.objects.filter(lookup.condition())


def _capped_counts(lookups: list[Lookup]) -> list[int]:
    """How many keys each lookup has, counted up to ``DENSE_ROWS``, in one round trip."""
    parts: list[str] = []
    params: list[Any] = []
    for index, lookup in enumerate(lookups):
        sql, part_params = _lookup_keys(lookup).values("customer_id")[:DENSE_ROWS].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS c{index})")  # noqa: S608 - SQL built by the ORM
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [int(n) for n in cursor.fetchone()]


def _group_exists(group: tuple[Lookup, ...]) -> Exists:
    condition = Q()
    for alternative in group:
        condition |= alternative.condition()
    return Exists(SearchKey.objects.filter(condition, customer_id=OuterRef("customer_id")))


def _scan(drivers: tuple[Lookup, ...], filters: Sequence[Q | Exists], limit: int) -> list[int]:
    """Walk each driver lookup in key order with a LIMIT, keeping rows that pass ``filters``."""
    found: dict[int, None] = {}
    for lookup in drivers:
        rows = _lookup_keys(lookup).filter(*filters).order_by("kind", "key").values_list("customer_id", flat=True)
        wanted = limit - len(found) + MARGIN
        batch = list(rows[:wanted])
        if len(batch) == wanted and len(found.keys() | set(batch)) < limit:
            # Several keys of one customer matched (two name variants): read further.
            batch = list(rows[: limit * 3])
        for customer_id in batch:
            found.setdefault(customer_id)
            if len(found) >= limit:
                break
        if len(found) >= limit:
            break
    return list(found)


def _words_matching(
    groups: tuple[tuple[Lookup, ...], ...], limit: int, extra: Sequence[Q] = ()
) -> list[int]:
    """Customers matching every word group: the group with the fewest keys drives; the customers
    of all rare groups are intersected once; dense groups filter by an EXISTS probe."""
    flat = _capped_counts([lk for g in groups for lk in g])
    per_lookup = []
    for g in groups:
        per_lookup.append(flat[: len(g)])
        flat = flat[len(g) :]
    if not all(any(counts) for counts in per_lookup):
        return []  # a word nobody has
    # Only lookups that found something are read again (a name word is rarely a postcode).
    groups = tuple(
        tuple(lk for lk, n in zip(g, counts, strict=True) if n) for g, counts in zip(groups, per_lookup, strict=True)
    )
    order = sorted(range(len(groups)), key=lambda i: (sum(per_lookup[i]), -len(groups[i][0].key)))
    rare = [groups[i] for i in order if max(per_lookup[i]) < DENSE_ROWS]
    dense = [_group_exists(groups[i]) for i in order[1:] if max(per_lookup[i]) >= DENSE_ROWS]
    driver = groups[order[0]]
    if len(rare) < 2:
        # Only the driver is rare (or nothing is): a dense word matches within a few candidates.
        return _scan(driver, [*dense, *extra], limit)
    # The database intersects the single-lookup words (INTERSECT reads each range once, index-only);
    # words found under several lookups (a name and a site word) are read and intersected here.
    members = [_lookup_keys(g[0]).values("customer_id") for g in rare if len(g) == 1]
    common: set[int] | None = None
    if len(members) > 1:
        common = set(members[0].intersection(*members[1:]).values_list("customer_id", flat=True))
    elif members:
        common = set(members[0].values_list("customer_id", flat=True))
    for group in (g for g in rare if len(g) > 1):
        ids = {cid for lk in group for cid in _lookup_keys(lk).values_list("customer_id", flat=True)[:DENSE_ROWS]}
        common = ids if common is None else common & ids
    if not common:
        return []
    # A list of ids, not a subquery: PostgreSQL estimates a key range at one row and would
    # probe the subquery once per candidate.
    return _scan(driver, [Q(customer_id__in=sorted(common)), *dense, *extra], limit)


def customer_ids_matching(parsed: ParsedQuery, *, limit: int, kind: str | None = None) -> list[int]:
    """Ids of matching customers, at most ``limit``, found through the key index only.

    Each lookup is its own query walking the index in key order with a LIMIT, so a short
    prefix that matches half the customers still reads only ``limit`` rows; exact keys sort
    before longer ones, so "Müller" lists Müller before Müllerschön.

    With several words the word with the fewest keys (counted up to ``DENSE_ROWS`` per lookup,
    index-only) drives. The customers of all words with fewer keys than that are intersected once
    (``INTERSECT`` of index-only range scans); a dense word filters by an ``EXISTS`` probe per
    candidate, which succeeds within a few candidates. Probing every candidate for a rare word
    was what made "Leonie Meyer" slow at a million customers: thousands of random index reads
    for a handful of hits.

    ``kind`` (person or organisation) filters while scanning, so a page is full whenever enough
    customers of that kind match.
    """
    if parsed.is_empty:
        return []
    extra = [Q(customer__kind=kind)] if kind else []
    if parsed.alternatives:
        return _scan(parsed.alternatives, extra, limit)
    if len(parsed.all_words) == 1:
        return _scan(parsed.all_words[0], extra, limit)
    return _words_matching(parsed.all_words, limit, extra)


def matched_on(customer_keys: Iterable[tuple[str, str]], parsed: ParsedQuery) -> str:
    """The key kind a result was found by, to show the agent why it matched."""
    lookups = list(parsed.alternatives) + [lk for group in parsed.all_words for lk in group]
    for kind, key in customer_keys:
        for lookup in lookups:
            if lookup.kind == kind and (key == lookup.key or (lookup.prefix and key.startswith(lookup.key))):
                return kind
    return ""


def customers_by_ids(ids: list[int]) -> list[Customer]:
    by_id = Customer.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]
