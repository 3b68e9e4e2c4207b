"""A small SVG line of the running balance: drawn on the server, so it needs no script and
works inside a fragment loaded by htmx."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    points: str
    zero_y: float
    last_x: float
    last_y: float


def sparkline(values: Sequence[float], *, width: int = 240, height: int = 48, pad: int = 4) -> Sparkline | None:
    """Values on the balance scale −100…100, oldest first."""
    if len(values) < 2:
        return None
    step = (width - 2 * pad) / (len(values) - 1)

    def y(value: float) -> float:
        return round(pad + (100 - max(-100.0, min(100.0, value))) / 200 * (height - 2 * pad), 1)

    coords = [(round(pad + i * step, 1), y(v)) for i, v in enumerate(values)]
    return Sparkline(width=width, height=height, points=" ".join(f"{x},{yy}" for x, yy in coords),
                     zero_y=y(0), last_x=coords[-1][0], last_y=coords[-1][1])
