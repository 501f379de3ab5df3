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
