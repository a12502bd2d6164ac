"""Process-wide runtime policy of the archkb applications (CLI, TUI), kept out of the engine:
a library must not switch the garbage collector for its callers."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Build a KB: the cyclic garbage collector is paused meanwhile, and what it built is frozen.

    Loading creates hundreds of thousands of small objects and no garbage cycles. With the
    collector running, it re-scanned them as they piled up (~40% of a 10× KB's YAML load, half of
    a 100× KB's cache read); paused, the objects would still be scanned once on their way to the
    oldest generation, by whatever runs next (0.7 s inside the first `recommend` at 100×). The KB
    lives as long as the process, so `gc.freeze()` moves it out of the collector's reach instead.
    Reference counting still frees frozen objects; only cyclic garbage that already existed
    would stay uncollected (until `gc.unfreeze()`), so the young generations — where fresh
    garbage sits — are collected first (well under a millisecond). Nothing is frozen when the
    load fails.
    """
    gc.collect(1)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
