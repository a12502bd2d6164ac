"""Structure of each non-Terraform export, beyond what the validators check: CloudFormation
stack wiring, Kubernetes hardening, the Helm placeholder subset, Compose rules, the Ansible
layout and precedence, and pinned CI actions. Rendering is cheap, so each case renders alone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import parse_needs
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.exports.iac.render import render_tool
from archkb.exports.iac.tools.kubernetes import workloads

from .test_iac_other import HELM_PLACEHOLDER, export_meta, render_helm_chart

KB_ROOT = Path(__file__).resolve().parents[2] / "kb"
KB_BLUEPRINTS = KB_ROOT / "blueprints"


def _blueprints_with(trait: str) -> list[str]:
    """Blueprint ids with a compute component whose capability has `trait` in the KB (read
    from the YAML at collection; the exporters see it as `ResolvedComponent.compute`)."""
    traits: dict[str, set[str]] = {}
    for path in sorted((KB_ROOT / "capabilities").glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8"))["records"]:
            traits[record["id"]] = set(record.get("traits", []))
    found = []
    for path in sorted(KB_BLUEPRINTS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if any({"compute", trait} <= traits[c["capability"]] for c in data["components"]):
            found.append(data["id"])
    return found


ALL = sorted(p.stem for p in KB_BLUEPRINTS.glob("*.yaml"))
CONTAINER = _blueprints_with("container")
VMS = _blueprints_with("vm")
PROVIDERS = ("aws", "azure", "gcp")


def render(
    kb: KnowledgeBase, tool: str, blueprint: str, provider: str, needs: str = "eu"
) -> tuple[ResolvedArchitecture, dict[str, str]]:
    arch = resolve_architecture(kb, kb.blueprints[blueprint], provider, parse_needs(kb, needs))
    assert isinstance(arch, ResolvedArchitecture)
    return arch, render_tool(tool, arch, export_meta(needs))


class CfnLoader(yaml.SafeLoader):
    """YAML loader for CloudFormation short forms: `!Ref x` → {"Ref": x}, `!Sub s` → {"Fn::Sub": s}."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _intrinsic)


def cfn(text: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(text, Loader=CfnLoader)
    return data


def walk(node: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every (key path, value) pair in a nested structure."""
    pairs = []
    if isinstance(node, dict):
        for key, value in node.items():
            pairs.append(((*path, str(key)), value))
            pairs += walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for value in node:
            pairs += walk(value, path)
    return pairs


# --- CloudFormation ---------------------------------------------------------------------


@pytest.mark.parametrize("blueprint", ALL)
def test_cloudformation_parent_wires_nested_stacks_through_exported_outputs(
    kb: KnowledgeBase, blueprint: str
) -> None:
    arch, files = render(kb, "cloudformation", blueprint, "aws")
    main = cfn(files["main.yaml"])
    assert main["Parameters"]["Environment"]["AllowedValues"] == ["dev", "prod"]
    assertion = main["Rules"]["RegionInsideJurisdiction"]["Assertions"][0]["Assert"]["Fn::Contains"]
    assert assertion[0] == arch.allowed_regions
    stacks = {
        name: r
        for name, r in main["Resources"].items()
        if r["Type"] == "AWS::CloudFormation::Stack"
    }
    assert stacks and len(stacks) == len(main["Resources"])
    nested = {}
    for name, resource in stacks.items():
        url = resource["Properties"]["TemplateURL"]["Fn::Sub"]
        assert url.startswith("${TemplatesBaseUrl}/stacks/")
        nested[name] = cfn(files[url.removeprefix("${TemplatesBaseUrl}/")])
    for name, resource in stacks.items():
        template = nested[name]
        declared = template.get("Parameters", {})
        passed = resource["Properties"].get("Parameters", {})
        assert set(passed) <= set(declared), name
        assert {p for p, d in declared.items() if "Default" not in d} <= set(passed), name
        for param, value in passed.items():
            if isinstance(value, dict) and "Fn::GetAtt" in value:
                source, _, output = value["Fn::GetAtt"].partition(".Outputs.")
                assert output == param
                exported = nested[source]["Outputs"][output]["Export"]["Name"]["Fn::Sub"]
                assert exported == "${AWS::StackName}-" + output
        for output, spec in template.get("Outputs", {}).items():
            assert spec["Export"]["Name"] == {"Fn::Sub": "${AWS::StackName}-" + output}
        if "Environment" in declared:
            assert declared["Environment"]["AllowedValues"] == ["dev", "prod"]


@pytest.mark.parametrize("blueprint", ALL)
def test_cloudformation_secrets_are_dynamic_references_and_resources_are_tagged(
    kb: KnowledgeBase, blueprint: str
) -> None:
    _, files = render(kb, "cloudformation", blueprint, "aws")
    for path, text in files.items():
        if not path.endswith(".yaml"):
            continue
        for name, resource in cfn(text)["Resources"].items():
            props = resource.get("Properties", {})
            for key, value in walk(props):
                if key[-1] in {"MasterUserPassword", "MasterUsername", "AuthToken", "Password"}:
                    assert "{{resolve:secretsmanager:" in str(value), (path, name, key)
            tags = props.get("Tags")
            if isinstance(tags, list):
                assert {"Project", "Environment"} <= {t["Key"] for t in tags}, (path, name)


def test_cloudformation_replicates_secrets_only_inside_the_jurisdiction(kb: KnowledgeBase) -> None:
    arch, files = render(kb, "cloudformation", "dr-warm-standby", "aws", "eu,disaster-recovery")
    main = cfn(files["main.yaml"])
    secondary = main["Parameters"]["SecondaryRegion"]
    assert secondary["Default"] == arch.regions[1].code
    assert set(secondary["AllowedValues"]) <= set(arch.allowed_regions)
    assert arch.primary_region.code not in secondary["AllowedValues"]
    security = cfn(files["stacks/security.yaml"])
    assert security["Resources"]["WorkloadSecret"]["Properties"]["ReplicaRegions"] == [
        {"Region": {"Ref": "SecondaryRegion"}}
    ]


# --- Kubernetes and Helm -----------------------------------------------------------------


def _documents(files: dict[str, str]) -> list[dict[str, Any]]:
    docs = []
    for path, text in files.items():
        if path.endswith(".yaml") and path != "kustomization.yaml":
            docs += [d for d in yaml.safe_load_all(text) if d]
    return docs


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("blueprint", CONTAINER)
def test_kubernetes_workloads_are_hardened_and_fenced(
    kb: KnowledgeBase, blueprint: str, provider: str
) -> None:
    arch, files = render(kb, "kubernetes", blueprint, provider)
    docs = _documents(files)
    kinds = {d["kind"] for d in docs}
    assert {
        "Namespace",
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "ServiceAccount",
    } <= kinds
    # An Ingress exactly when a workload sits behind a web or edge component (an internal API
    # such as a RAG chat service has none).
    assert ("Ingress" in kinds) == any(w["public"] for w in workloads(arch))
    for doc in docs:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == arch.blueprint
    deny = next(
        d for d in docs if d["kind"] == "NetworkPolicy" and d["metadata"]["name"] == "default-deny"
    )
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    for deployment in (d for d in docs if d["kind"] == "Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        for container in pod["containers"]:
            assert re.search(r"@sha256:[0-9a-f]{64}$", container["image"])
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] and context["runAsNonRoot"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert {"requests", "limits"} <= set(container["resources"])
            assert "livenessProbe" in container and "readinessProbe" in container
    assert files["kustomization.yaml"].count(".yaml") == len(files) - 2  # all but README, itself


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("blueprint", CONTAINER)
def test_helm_chart_uses_only_simple_placeholders_and_renders_like_the_manifests(
    kb: KnowledgeBase, blueprint: str, provider: str
) -> None:
    _, chart = render(kb, "helm", blueprint, provider)
    _, plain = render(kb, "kubernetes", blueprint, provider)
    meta = yaml.safe_load(chart["Chart.yaml"])
    assert meta["apiVersion"] == "v2" and re.fullmatch(r"\d+\.\d+\.\d+", meta["version"])
    for path, text in chart.items():
        if path.startswith("templates/"):
            for expr in re.findall(r"\{\{.*?\}\}", text):
                assert HELM_PLACEHOLDER.fullmatch(expr), (path, expr)
    rendered = _documents(render_helm_chart(chart))
    expected = [d for d in _documents(plain) if d["kind"] != "Namespace"]
    assert sorted((d["kind"], d["metadata"]["name"]) for d in rendered) == sorted(
        (d["kind"], "demo-" + d["metadata"]["name"]) for d in expected
    )


# --- Docker Compose ----------------------------------------------------------------------


SECRET_WORDS = re.compile(r"PASSWORD|SECRET|TOKEN|API_KEY", re.IGNORECASE)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("blueprint", CONTAINER)
def test_compose_file_follows_the_compose_rules_we_rely_on(
    kb: KnowledgeBase, blueprint: str, provider: str
) -> None:
    """checkov has no Compose framework, so the spec rules the file relies on are checked here."""
    _, files = render(kb, "compose", blueprint, provider)
    compose = yaml.safe_load(files["docker-compose.yml"])
    assert set(compose) <= {"name", "services", "networks", "volumes", "secrets"}
    services = compose["services"]
    assert services
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        assert all(isinstance(port, str) for port in service.get("ports", [])), name
        assert all(p.startswith("127.0.0.1:") for p in service.get("ports", [])), name
        assert service["healthcheck"]["test"], name
        assert service["read_only"] is True and service.get("privileged") is not True, name
        assert service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name
        for key, value in service.get("environment", {}).items():
            assert isinstance(value, str), (name, key)
            # Secret-looking settings may only point at mounted secret files.
            if SECRET_WORDS.search(key):
                assert value.startswith("/run/secrets"), (name, key)
        for secret in service.get("secrets", []):
            assert "file" in compose["secrets"][secret], (name, secret)
        for network in service.get("networks", []):
            assert network in compose["networks"], (name, network)
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source in compose.get("volumes", {}), (name, volume)
        for dependency in service.get("depends_on", {}):
            assert dependency in services, (name, dependency)
    assert files["secrets/.gitignore"].splitlines()[-2:] == ["*", "!.gitignore"]


# --- Ansible ----------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("blueprint", VMS)
def test_ansible_layout_follows_the_variable_precedence_advice(
    kb: KnowledgeBase, blueprint: str, provider: str
) -> None:
    arch, files = render(kb, "ansible", blueprint, provider)
    site = yaml.safe_load(files["site.yml"])
    for play in site:
        assert play["ansible.builtin.import_playbook"] in files
    for role in ("common", "app_service"):
        for part in ("tasks", "handlers", "defaults"):
            assert f"roles/{role}/{part}/main.yml" in files
    assert not [p for p in files if re.match(r"roles/[^/]+/vars/", p)], "no role vars/ files"
    for env in ("dev", "prod"):
        hosts = yaml.safe_load(files[f"inventories/{env}/hosts.yml"])
        assert hosts["all"]["children"]
        group_vars = yaml.safe_load(files[f"inventories/{env}/group_vars/all.yml"])
        assert group_vars["deployment_environment"] == env
        assert group_vars["cloud_region"] in arch.allowed_regions
    modules = set()
    for path, text in files.items():
        if re.match(r"roles/[^/]+/(tasks|handlers)/main\.yml", path):
            for task in yaml.safe_load(text):
                modules |= {k for k in task if "." in k}
    assert modules and all(m.startswith("ansible.builtin.") for m in modules), modules
    assert "Variable precedence" in files["README.md"]


# --- CI ----------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("blueprint", ALL)
def test_github_workflow_pins_actions_and_reads_only(
    kb: KnowledgeBase, blueprint: str, provider: str
) -> None:
    _, files = render(kb, "github-actions", blueprint, provider)
    text = files[".github/workflows/iac.yml"]
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {"contents": "read"}
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert uses
    for ref, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), comment
    assert "${{ secrets" not in text and "pull_request_target" not in text
    for job in workflow["jobs"].values():
        assert job["timeout-minutes"] <= 30
    assert "terraform fmt -check" in text and "init -backend=false" in text
    assert "terraform -chdir" in text and "validate" in text and "checkov -d" in text


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("blueprint", ALL)
def test_gitlab_pipeline_pins_images_and_uses_no_secrets(
    kb: KnowledgeBase, blueprint: str, provider: str
) -> None:
    _, files = render(kb, "gitlab-ci", blueprint, provider)
    text = files[".gitlab-ci.yml"]
    pipeline = yaml.safe_load(text)
    jobs = {k: v for k, v in pipeline.items() if isinstance(v, dict) and "script" in v}
    assert {"terraform", "checkov"} <= set(jobs)
    for job in jobs.values():
        assert job["stage"] in pipeline["stages"]
        image = job["image"]["name"] if isinstance(job["image"], dict) else job["image"]
        assert re.fullmatch(r"[\w./-]+:\d+\.\d+\.\d+[\w.-]*", image), image
    assert "terraform fmt -check" in text and "init -backend=false" in text
    assert not re.search(r"\$\{?(CI_JOB_TOKEN|[A-Z_]*(SECRET|PASSWORD|TOKEN))", text)


# --- Packaging ---------------------------------------------------------------------------

TEMPLATE_ROOT = Path(__file__).resolve().parents[2] / "exports" / "iac"
MY_FOLDERS = (
    "cloudformation",
    "kubernetes",
    "helm",
    "compose",
    "ansible",
    "github_actions",
    "gitlab_ci",
)


def test_templates_have_extensions_the_wheel_ships() -> None:
    """pyproject's package-data ships iac/**/*.j2, *.yaml, *.tpl and .helmignore only."""
    files = [p for folder in MY_FOLDERS for p in (TEMPLATE_ROOT / folder).rglob("*") if p.is_file()]
    files += list((TEMPLATE_ROOT / "_shared").glob("x_*"))
    assert files
    for path in files:
        assert path.suffix in {".j2", ".yaml", ".tpl"} or path.name == ".helmignore", path
