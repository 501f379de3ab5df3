"""Small reference maps read on hot paths, kept in process memory for a short while."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def ttl_cached(seconds: float) -> Callable[[Callable[[], T]], Callable[[], T]]:
    """Cache a no-argument loader's result for ``seconds`` (``.clear()`` forgets it)."""

    def decorate(load: Callable[[], T]) -> Callable[[], T]:
        state: dict = {}

        @functools.wraps(load)
        def cached() -> T:
            now = time.monotonic()
            if "value" not in state or now - state["at"] > seconds:
                state["value"], state["at"] = load(), now
            return state["value"]

        cached.clear = state.clear  # type: ignore[attr-defined]
        return cached

    return decorate


def cached_get(cached: Callable[[], dict], key: object, default: object = None) -> object:
    """A key missing from a cached map may be new: reload once before answering ``default``."""
    value = cached().get(key, _MISSING)
    if value is _MISSING and key is not None:
        cached.clear()  # type: ignore[attr-defined]
        value = cached().get(key, _MISSING)
    return default if value is _MISSING else value


_MISSING = object()
