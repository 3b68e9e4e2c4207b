"""The emotional balance of a contact, and the running balance of a customer.

**A contact's balance** combines whether the concern was fulfilled with how the customer felt,
half each, on a scale from −100 (not fulfilled, felt very bad) to +100 (fulfilled, felt very
good)::

    fulfilment  F = +1 (yes) | 0 (partly) | −1 (no)
    feeling     E = (feeling − 3) / 2       feeling 1…5  →  −1, −0.5, 0, +0.5, +1
    balance     B = round(50 · F + 50 · E)

A contact nobody answered for has no balance: it is left out, never counted as 0.

**A customer's running balance** weighs the newest answer as much as all earlier ones
together (an exponentially weighted mean with weight ½)::

    R₁ = B₁,   Rₙ = ½ · Bₙ + ½ · Rₙ₋₁

So one bad contact halves a good standing and two bad ones in a row turn it negative, which is
how customers remember. **The trend** is Rₙ minus the running balance three answers earlier:
more than +10 is rising, less than −10 is falling, anything between is steady.

**A group's balance** (site, team, channel, category, topic) is the plain mean of its
contacts' balances in a period; its trend compares the period with the one before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FULFILMENT_VALUE = {"yes": 1.0, "partly": 0.0, "no": -1.0}
TREND_STEP = 10.0
TREND_SPAN = 3


def contact_balance(*, fulfilled: str, feeling: int) -> int:
    """The balance of one answered contact, −100…100."""
    fulfilment = FULFILMENT_VALUE[fulfilled]
    emotion = (int(feeling) - 3) / 2
    return round(50 * fulfilment + 50 * emotion)


def is_negative_answer(*, fulfilled: str, balance: int) -> bool:
    """What closes the loop with a human: not fulfilled, or a negative balance."""
    return fulfilled == "no" or balance < 0


def running_balances(balances: Iterable[float]) -> list[float]:
    """The running balance after each answer, oldest first."""
    result: list[float] = []
    for value in balances:
        result.append(float(value) if not result else 0.5 * float(value) + 0.5 * result[-1])
    return result


@dataclass(frozen=True)
class Standing:
    """A running balance with its trend: what the customer 360 and the inbox show."""

    running: float
    earlier: float | None
    answers: int

    @property
    def change(self) -> float | None:
        return None if self.earlier is None else self.running - self.earlier

    @property
    def trend(self) -> str:
        change = self.change
        if change is None:
            return "new"
        if change > TREND_STEP:
            return "rising"
        if change < -TREND_STEP:
            return "falling"
        return "steady"

    @property
    def tone(self) -> str:
        """good / mixed / bad: for colours and words."""
        if self.running >= 25:
            return "good"
        if self.running < 0:
            return "bad"
        return "mixed"


def standing_of(balances: Sequence[float]) -> Standing | None:
    """The standing after these answers (oldest first); None when there are none."""
    if not balances:
        return None
    series = running_balances(balances)
    earlier = series[-1 - TREND_SPAN] if len(series) > TREND_SPAN else (series[0] if len(series) > 1 else None)
    return Standing(running=series[-1], earlier=earlier, answers=len(series))


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
