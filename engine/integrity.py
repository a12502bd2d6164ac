"""Cross-record checks: overlays, duplicate ids and dangling references.

Per-record shape is pydantic's job (`schema.py`); this module checks what only the whole KB can:
that every id a record names exists, and that overlays replace built-ins only on purpose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from .errors import KbProblem
from .load import LoadedRecord


def apply_overrides(records: Sequence[LoadedRecord]) -> tuple[list[LoadedRecord], list[KbProblem]]:
    """Keep one record per key: an overlay may replace a record only with `override: true`."""
    problems: list[KbProblem] = []
    chosen: dict[str, LoadedRecord] = {}
    for item in records:
        previous = chosen.get(item.key)
        if previous is None:
            chosen[item.key] = item
            continue
        if item.root_index > previous.root_index and item.record.override:
            chosen[item.key] = item
            continue
        if item.root_index > previous.root_index:
            message = (
                f"redefines {item.key} from {previous.file}:{previous.line}; "
                "add `override: true` to replace it"
            )
        else:
            message = f"duplicate id {item.key}, also defined at {previous.file}:{previous.line}"
        problems.append(KbProblem(item.file, item.line, item.key, "id", message))
    return list(chosen.values()), problems


class _Checker:
    def __init__(self, records: Sequence[LoadedRecord]) -> None:
        self.by_kind: dict[str, dict[str, Any]] = defaultdict(dict)
        for item in records:
            self.by_kind[item.kind][item.record.id] = item.record
        self.region_codes: dict[str, set[str]] = defaultdict(set)
        for region in self.by_kind["region"].values():
            self.region_codes[region.provider].add(region.code)
        self.problems: list[KbProblem] = []
        self.current: LoadedRecord | None = None

    def ref(self, kind: str, ids: Iterable[str] | str | None, field: str) -> None:
        if ids is None:
            return
        for ref_id in [ids] if isinstance(ids, str) else ids:
            if ref_id not in self.by_kind[kind]:
                self.fail(field, f"unknown {kind} {ref_id!r}")

    def fail(self, field: str, message: str) -> None:
        assert self.current is not None
        item = self.current
        self.problems.append(KbProblem(item.file, item.line_of(field), item.key, field, message))

    def service_of(self, provider: str, ids: Iterable[str], field: str) -> None:
        for sid in ids:
            service = self.by_kind["service"].get(sid)
            if service is None:
                self.fail(field, f"unknown service {sid!r}")
            elif service.provider != provider:
                self.fail(field, f"service {sid!r} belongs to {service.provider}, not {provider}")

    def check(self, item: LoadedRecord) -> None:
        self.current = item
        getattr(self, f"_check_{item.kind}", lambda r: None)(item.record)

    def _check_region(self, r: Any) -> None:
        self.ref("provider", r.provider, "provider")
        self.ref("jurisdiction", r.jurisdictions, "jurisdictions")

    def _check_capability(self, r: Any) -> None:
        self.ref("category", r.category, "category")
        for provider, gap in r.no_equivalent.items():
            self.ref("provider", provider, f"no_equivalent.{provider}")
            if gap.closest:
                self.service_of(provider, [gap.closest], f"no_equivalent.{provider}.closest")
        for provider, service_id in r.preferred.items():
            self.service_of(provider, [service_id], f"preferred.{provider}")

    def _check_service(self, r: Any) -> None:
        self.ref("provider", r.provider, "provider")
        self.ref("capability", r.capability, "capability")
        self.ref("capability", [i.capability for i in r.also_implements], "also_implements")
        if r.feature_of is not None:
            self.service_of(r.provider, [r.feature_of], "feature_of")
            owner = self.by_kind["service"].get(r.feature_of)
            if owner is not None and owner.feature_of is not None:
                self.fail("feature_of", f"{r.feature_of!r} is itself a feature; name its product")
        if r.lifecycle.successor is not None:
            self.ref("service", r.lifecycle.successor, "lifecycle.successor")
        for target in r.pair_notes:
            target_service = self.by_kind["service"].get(target)
            if target_service is None:
                self.fail(f"pair_notes.{target}", f"unknown service {target!r}")
            elif target_service.provider == r.provider:
                self.fail(f"pair_notes.{target}", "a pair note is for another provider's service")
        codes = self.region_codes.get(r.provider, set())
        for field in ("unavailable_in", "available_in"):
            for code in getattr(r, field) or []:
                if code not in codes:
                    self.fail(field, f"unknown {r.provider} region {code!r}")

    def _check_pattern(self, r: Any) -> None:
        self.ref("category", r.category, "category")
        self.ref("capability", r.requires, "requires")
        for relation in ("complements", "conflicts_with", "alternative_to", "specializes"):
            self.ref("pattern", getattr(r.relations, relation), f"relations.{relation}")
        self.ref("need", r.satisfies, "satisfies")

    def _check_blueprint(self, r: Any) -> None:
        self.ref("pattern", r.patterns, "patterns")
        for i, component in enumerate(r.components):
            self.ref("capability", component.capability, f"components.{i}.capability")
        self.ref("need", r.suits, "suits")

    def _check_tool(self, r: Any) -> None:
        self.ref("category", r.category, "category")
        self.ref("tool", r.related, "related")
        self.ref("pattern", r.practices, "practices")
        for provider, services in r.managed_equivalents.items():
            self.ref("provider", provider, f"managed_equivalents.{provider}")
            self.service_of(provider, services, f"managed_equivalents.{provider}")

    def _check_need(self, r: Any) -> None:
        e = r.effects
        self.ref("jurisdiction", e.jurisdiction, "effects.jurisdiction")
        self.ref("provider", e.providers, "effects.providers")
        self.ref("capability", e.any_capability, "effects.any_capability")
        self.ref("capability", e.controls, "effects.controls")
        self.ref("pattern", e.any_pattern, "effects.any_pattern")
        self.ref("need", r.conflicts_with, "conflicts_with")
        for provider, scope in e.in_scope.items():
            self.ref("provider", provider, f"effects.in_scope.{provider}")
            self.service_of(
                provider,
                [*scope.services, *scope.exempt, *scope.excluded_features],
                f"effects.in_scope.{provider}",
            )
            for feature in scope.excluded_features:
                owner = self.by_kind["service"].get(feature)
                if owner is not None and owner.feature_of not in scope.services:
                    self.fail(
                        f"effects.in_scope.{provider}.excluded_features",
                        f"{feature!r} is not a feature of a listed product",
                    )
        self.ref("provider", list(e.provider_notes), "effects.provider_notes")


def check_references(records: Sequence[LoadedRecord]) -> list[KbProblem]:
    """Every id a record refers to must exist (and belong to the right provider)."""
    checker = _Checker(records)
    for item in records:
        checker.check(item)
    checker.problems.extend(_check_region_defaults(records))
    checker.problems.extend(_check_need_aliases(records))
    return checker.problems


def _check_region_defaults(records: Sequence[LoadedRecord]) -> list[KbProblem]:
    """At most one default and one secondary region per provider and jurisdiction."""
    problems: list[KbProblem] = []
    seen: dict[tuple[str, str, str], LoadedRecord] = {}
    for item in records:
        if item.kind != "region":
            continue
        region = item.record
        for role in ("default_for", "secondary_for"):
            for jurisdiction in getattr(region, role):
                slot = (region.provider, role, jurisdiction)
                if slot in seen:
                    other = seen[slot]
                    problems.append(
                        KbProblem(
                            item.file,
                            item.line,
                            item.key,
                            role,
                            f"{region.provider} already has {role} {jurisdiction}: "
                            f"{other.key} ({other.file}:{other.line})",
                        )
                    )
                else:
                    seen[slot] = item
    return problems


def _check_need_aliases(records: Sequence[LoadedRecord]) -> list[KbProblem]:
    """Need ids and aliases must be unambiguous, or parsing `--needs` could not be."""
    problems: list[KbProblem] = []
    owner: dict[str, str] = {}
    for item in records:
        if item.kind != "need":
            continue
        for word in [item.record.id, *item.record.aliases]:
            folded = word.casefold()
            if folded in owner and owner[folded] != item.record.id:
                problems.append(
                    KbProblem(
                        item.file,
                        item.line,
                        item.key,
                        "aliases",
                        f"{word!r} already names need {owner[folded]!r}",
                    )
                )
            owner.setdefault(folded, item.record.id)
    return problems
