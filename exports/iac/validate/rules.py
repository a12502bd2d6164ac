"""Provider-behaviour rules a schema cannot express: each fails `terraform plan` or `apply`, or
makes the stack unable to serve, although every argument is valid.

A rule takes every module of the validated folder and yields violations; `RULES` maps its id
to it. Values are followed through module calls: `var.X` inside a module is what each caller
passes, else the variable's default (`resolve`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from typing import Any

from .checks import Violation
from .config import Block, Module

Rule = Callable[[list[Module]], Iterator[Violation]]
VAR = re.compile(r"^\$\{var\.([A-Za-z_][\w-]*)\}$")
INTERPOLATION = re.compile(r"\$\{((?:[^{}]|\{[^{}]*\})*)\}")
SUBSTR = re.compile(r"^substr\(.*,\s*\d+\s*,\s*(\d+)\s*\)$")
PSC_NAME = re.compile(r"^[a-z][a-z0-9]{0,19}$")
"""Private Service Connect for Google APIs: 1–20 lowercase letters or digits, a letter first."""


def _violation(block: Block, check: str, message: str, *path: str) -> Violation:
    return Violation(
        block.file, block.line_of(*path), block.address, ".".join(path), check, message
    )


def callers(modules: list[Module], module: Module) -> list[tuple[Module, Block]]:
    """The module blocks (and the modules holding them) whose `source` is `module`'s folder."""
    found = []
    for other in modules:
        for call in other.of_kind("module"):
            source = str(call.body.get("source", ""))
            if source.startswith((".", "/")):
                target = posixpath.normpath(posixpath.join(other.path, source))
                if target == posixpath.normpath(module.path):
                    found.append((other, call))
    return found


def resolve(modules: list[Module], module: Module, value: Any) -> list[tuple[Any, str]]:
    """The values `value` takes in `module`, with the root folder each comes from.

    A literal is itself; `${var.X}` is each caller's argument (followed up the calls), else the
    variable's default; anything else is returned as written."""
    match = VAR.match(value) if isinstance(value, str) else None
    if not match:
        return [(value, module.path)]
    name = match.group(1)
    declared = next((v for v in module.of_kind("variable") if v.name == name), None)
    default = declared.body.get("default") if declared else None
    up = callers(modules, module)
    if not up:
        return [(default, module.path)] if default is not None else []
    found: list[tuple[Any, str]] = []
    for parent, call in up:
        if name in call.body:
            found += resolve(modules, parent, call.body[name])
        elif default is not None:
            found.append((default, parent.path))
    return found


def _resources(modules: list[Module], type_: str) -> Iterator[tuple[Module, Block]]:
    for module in modules:
        for block in module.of_kind("resource"):
            if block.type == type_:
                yield module, block


def _is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


def _first(body: dict[str, Any], *path: str) -> Any:
    value: Any = body
    for key in path:
        if isinstance(value, list):
            value = value[0] if value else None
        value = value.get(key) if isinstance(value, dict) else None
    return value


def data_reads_own_resource(modules: list[Module]) -> Iterator[Violation]:
    """A data source looking up what the same configuration creates: with arguments known at
    plan (a name passed as a string) the first plan fails, the object not existing yet; with
    arguments computed from the resource, Terraform defers the read to apply and every value
    derived from it is unknown in the plan. Either way, take the resource's attributes."""
    for module in modules:
        for data in module.of_kind("data"):
            own = re.compile(rf"(?<![\w.]){re.escape(data.type)}\.[\w-]+\.")
            for key, value in data.body.items():
                if not isinstance(value, str):
                    continue
                for resolved, root in _expressions(modules, module, value):
                    if own.search(resolved):
                        yield _violation(
                            data,
                            "data-reads-own-resource",
                            f"looks up the {data.type} that {root} creates: pass the resource's "
                            "attributes in instead (the lookup fails at plan when its arguments "
                            "are known, and is deferred to apply when they are not)",
                            key,
                        )
                        break


def _expressions(modules: list[Module], module: Module, value: str) -> list[tuple[str, str]]:
    """`value` and, for `${var.X}`, what callers pass (as written in the caller)."""
    out = [(value, module.path)]
    match = VAR.match(value)
    if match:
        for parent, call in callers(modules, module):
            passed = call.body.get(match.group(1))
            if isinstance(passed, str):
                out += _expressions(modules, parent, passed)
    return out


def storage_queue_private(modules: list[Module]) -> Iterator[Violation]:
    """`queue_properties` is set through the queue data plane, which a storage account without
    public network access refuses (403 at apply): configure queues with
    `azurerm_storage_account_queue_properties`, or not at all."""
    for _, block in _resources(modules, "azurerm_storage_account"):
        if "queue_properties" in block.body and _is_false(
            block.body.get("public_network_access_enabled")
        ):
            yield _violation(
                block,
                "queue-properties-private-account",
                "queue_properties on an account without public network access fails with 403 "
                "at apply",
                "queue_properties",
            )


def insights_without_key(modules: list[Module]) -> Iterator[Violation]:
    """Storage insights read the account with its access key; an account that disables shared
    keys cannot be read that way."""
    for module, block in _resources(modules, "azurerm_log_analytics_storage_insights"):
        ref = re.search(
            r"azurerm_storage_account\.([\w-]+)\.", str(block.body.get("storage_account_id", ""))
        )
        account = module.find("resource", "azurerm_storage_account", ref.group(1)) if ref else None
        if account and _is_false(account.body.get("shared_access_key_enabled")):
            yield _violation(
                block,
                "insights-without-shared-key",
                f"{account.address} disables shared keys, so no storage_account_key can work",
                "storage_account_id",
            )


def developer_tier_in_prod(modules: list[Module]) -> Iterator[Violation]:
    """API Management's Developer tier has no SLA and a fixed monthly cost: not for prod."""
    for module, block in _resources(modules, "azurerm_api_management"):
        for value, root in resolve(modules, module, block.body.get("sku_name")):
            if isinstance(value, str) and value.startswith("Developer") and _is_prod(root):
                yield _violation(
                    block,
                    "developer-tier-in-prod",
                    f"sku_name {value} in {root}: the Developer tier has no SLA "
                    "(use Consumption or a v2 tier)",
                    "sku_name",
                )


def _is_prod(path: str) -> bool:
    return any(part in ("prod", "production", "prd") for part in re.split(r"[/\\]", path))


INTERNAL_INGRESS = {
    "google_cloudfunctions2_function": (
        ("service_config", "ingress_settings"),
        "ALLOW_INTERNAL_ONLY",
    ),
    "google_cloud_run_v2_service": (("ingress",), "INGRESS_TRAFFIC_INTERNAL_ONLY"),
}


def internal_only_behind_gateway(modules: list[Module]) -> Iterator[Violation]:
    """API Gateway is not an internal caller: a backend that only admits internal traffic
    refuses every request it forwards."""
    gateways = [m for m, _ in _resources(modules, "google_api_gateway_api_config")]
    if not gateways:
        return
    backends = _backends_of(modules, gateways)
    for type_, (path, internal) in INTERNAL_INGRESS.items():
        for module, block in _resources(modules, type_):
            if backends is not None and module.path not in backends:
                continue  # not behind the gateway (an event-driven function beside it)
            for value, _root in resolve(modules, module, _first(block.body, *path)):
                if value == internal:
                    yield _violation(
                        block,
                        "internal-only-behind-gateway",
                        f"{internal} refuses API Gateway's requests (it is not an internal caller)",
                        *path,
                    )
                    break


def _backends_of(modules: list[Module], gateways: list[Module]) -> set[str] | None:
    """Folders of the modules whose outputs a root passes into a gateway module's call, or None
    when the gateway is not in a called module (one flat folder: every backend counts)."""
    found: set[str] = set()
    called = False
    for gateway in gateways:
        for parent, call in callers(modules, gateway):
            called = True
            names = set(re.findall(r"module\.([A-Za-z_][\w-]*)\.", str(call.body)))
            for other in parent.of_kind("module"):
                source = str(other.body.get("source", ""))
                if other.name in names and source.startswith((".", "/")):
                    found.add(posixpath.normpath(posixpath.join(parent.path, source)))
    return found if called else None


INVOKER_TYPES = (
    "google_cloudfunctions2_function_iam_member",
    "google_cloud_run_v2_service_iam_member",
    "google_cloud_run_service_iam_member",
    "google_cloudfunctions_function_iam_member",
)


def gateway_without_invoker(modules: list[Module]) -> Iterator[Violation]:
    """API Gateway calls its backend as the service account of its config, which needs the
    invoker role on that backend."""
    invokers = [
        block
        for type_ in INVOKER_TYPES
        for _, block in _resources(modules, type_)
        if "invoker" in str(block.body.get("role", ""))
    ]
    if invokers:
        return
    for _, block in _resources(modules, "google_api_gateway_api_config"):
        yield _violation(
            block,
            "gateway-without-invoker",
            "no invoker binding (roles/run.invoker) for the gateway's service account on its "
            "backend: every request gets 403",
        )


def max_length(modules: list[Module], module: Module, template: str) -> int | None:
    """An upper bound on the length of a string template, or None when it has no bound here."""
    total = len(INTERPOLATION.sub("", template))
    for inner in INTERPOLATION.findall(template):
        cut = SUBSTR.match(inner.strip())
        if cut:
            total += int(cut.group(1))
            continue
        values = [v for v, _ in resolve(modules, module, "${" + inner.strip() + "}")]
        if not values or not all(isinstance(v, str) and "${" not in v for v in values):
            return None
        total += max(len(v) for v in values)
    return total


def psc_forwarding_rule_name(modules: list[Module]) -> Iterator[Violation]:
    """A Private Service Connect endpoint for Google APIs is named with 1–20 lowercase letters
    and digits; the API refuses longer names."""
    for module, block in _resources(modules, "google_compute_global_forwarding_rule"):
        if block.body.get("target") not in ("all-apis", "vpc-sc"):
            continue
        name = str(block.body.get("name", ""))
        literal = INTERPOLATION.sub("", name)
        bound = max_length(modules, module, name)
        if "${" not in name and not PSC_NAME.match(name):
            problem = f"name {name!r} is not 1–20 lowercase letters or digits"
        elif re.search(r"[^a-z0-9]", literal):
            problem = f"name has characters other than lowercase letters or digits ({literal!r})"
        elif bound is not None and bound > 20:
            problem = f"name can be {bound} characters; Private Service Connect allows 20"
        else:
            continue
        yield _violation(block, "psc-name", problem, "name")


RULES: dict[str, Rule] = {
    "data-reads-own-resource": data_reads_own_resource,
    "queue-properties-private-account": storage_queue_private,
    "insights-without-shared-key": insights_without_key,
    "developer-tier-in-prod": developer_tier_in_prod,
    "internal-only-behind-gateway": internal_only_behind_gateway,
    "gateway-without-invoker": gateway_without_invoker,
    "psc-name": psc_forwarding_rule_name,
}
"""Rule id → rule. Each is documented in docs/iac-validation.md."""
