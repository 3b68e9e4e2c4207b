"""Counting requests per key in a time window, in the shared cache (so every process counts)."""

from __future__ import annotations

from django.core.cache import cache


def hits_over_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``key``; True once the hits in the window exceed ``limit``.

    The window starts with the first hit and ends ``window_seconds`` later.
    """
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count > limit
