"""The built-in KB, loaded from YAML once per test process.

Loading validates every record and checks integrity (about 1.3 s). Three test modules need the
KB at import time, for their hypothesis strategies, and every worker collects all of them, so
each load ran three times per worker before any test started; the session's `kb` fixture now
shares this one too. Tests read it and never change it.
"""

from __future__ import annotations

import functools

from archkb.engine.kb import KnowledgeBase
from archkb.engine.load import builtin_kb_root, load_records


@functools.cache
def builtin_kb() -> KnowledgeBase:
    return KnowledgeBase.from_records(load_records([builtin_kb_root()]))
