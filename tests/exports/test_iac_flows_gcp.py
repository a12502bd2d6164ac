"""The Google Cloud flows wired in round 5 (issue 16, point 3): what makes each path real.

test_iac_flows.py only sees that two modules are connected in the root; these tests read the
rendered modules (python-hcl2 through the validator's parser) and check the resources and
arguments that carry the path: a Backup and DR plan for Cloud SQL associated with the linked
instance, an uptime check of the domain DNS serves, a private zone record for a VM, the GKE
pods' standalone NEGs behind the load balancer, a release trigger on the registry's pushes,
a Cloud Deploy custom target applying the environment templates with Infrastructure Manager,
SSH through IAP narrowed to the web tier. Each stack
is rendered once per module of tests and checked against the pinned google schema.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.exports.iac.render import ExportMeta, render_tool
from archkb.exports.iac.validate import validate_modules
from archkb.exports.iac.validate.config import Block, parse_file, read_folder

from tests.exports.tfschema_helpers import schemas

META = ExportMeta("0.0-test", "0" * 64, (), "archkb export iac (test)")
BACKUP_STACKS = {
    "dr-pilot-light": "backups",
    "dr-warm-standby": "backups",
    "three-tier-web-vms": "backup",
}
"""Blueprints whose backup component protects their Cloud SQL database, and its role."""
STACKS = (*BACKUP_STACKS, "hybrid-connectivity", "microservices-on-kubernetes", "cicd-platform")


@pytest.fixture(scope="module")
def stacks(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("flows-gcp")
    found = {}
    for blueprint in STACKS:
        arch = resolve_architecture(kb, kb.blueprints[blueprint], "gcp")
        assert isinstance(arch, ResolvedArchitecture)
        for relative, text in render_tool("terraform", arch, META).items():
            path = root / blueprint / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        found[blueprint] = root / blueprint
    return found


def _blocks(folder: Path, kind: str) -> dict[str, Block]:
    return {
        f"{b.type}.{b.name}" if b.type else b.name: b
        for path in sorted(folder.glob("*.tf"))
        for b in parse_file(path, path.name)
        if b.kind == kind
    }


def _calls(stack: Path) -> dict[str, dict[str, object]]:
    return {name: b.body for name, b in _blocks(stack / "envs" / "prod", "module").items()}


def _one(value: object) -> dict[str, object]:
    """A nested block as python-hcl2 gives it (a list of one dict)."""
    assert isinstance(value, list) and len(value) == 1, value
    return value[0]


def _outputs(module: Path) -> dict[str, object]:
    return {name: b.body["value"] for name, b in _blocks(module, "output").items()}


def test_the_stacks_fit_the_google_schema(stacks: dict[str, Path]) -> None:
    failures = [
        f"{blueprint}: {v.render()}"
        for blueprint, folder in stacks.items()
        for v in validate_modules(read_folder(folder), schemas()).violations
    ]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("blueprint", sorted(BACKUP_STACKS))
def test_backup_and_dr_protects_the_cloud_sql_instance(
    stacks: dict[str, Path], blueprint: str
) -> None:
    """backups -> db: a plan for Cloud SQL (a plan serves one resource type) and an association
    naming the instance the root links, by the path the Backup and DR API expects."""
    role = BACKUP_STACKS[blueprint]
    call = _calls(stacks[blueprint])[role]
    assert call["sql_instance_names"] == ["${module.db.instance_name}"]
    assert _outputs(stacks[blueprint] / "modules" / "db")["instance_name"] == (
        "${google_sql_database_instance.this.name}"
    )
    resources = _blocks(stacks[blueprint] / "modules" / role, "resource")
    plan = resources["google_backup_dr_backup_plan.sql"].body
    assert plan["resource_type"] == "sqladmin.googleapis.com/Instance"
    assert plan["backup_vault"] == "${google_backup_dr_backup_vault.this.id}"
    association = resources["google_backup_dr_backup_plan_association.sql"].body
    assert association["resource_type"] == plan["resource_type"]
    assert association["backup_plan"] == "${google_backup_dr_backup_plan.sql.name}"
    assert association["resource"] == (
        "projects/${var.project_id}/instances/${var.sql_instance_names[count.index]}"
    )
    for address, block in resources.items():
        if block.type != "google_backup_dr_backup_plan":
            continue
        schedule = _one(_one(block.body["backup_rules"])["standard_schedule"])
        window = _one(schedule["backup_window"])
        hours = window["end_hour_of_day"] - window["start_hour_of_day"]
        assert hours >= 6, f"{blueprint} {address}: a backup window lasts at least 6 hours"


@pytest.mark.parametrize("blueprint", ["dr-pilot-light", "dr-warm-standby"])
def test_telemetry_health_checks_the_domain_dns_serves(
    stacks: dict[str, Path], blueprint: str
) -> None:
    """telemetry -> dns: an HTTPS uptime check of each linked domain's /health and an alert
    policy on that check's own results."""
    assert _calls(stacks[blueprint])["telemetry"]["uptime_hosts"] == ["${module.dns.domain}"]
    assert _outputs(stacks[blueprint] / "modules" / "dns")["domain"] == "${var.domain_name}"
    resources = _blocks(stacks[blueprint] / "modules" / "telemetry", "resource")
    check = resources["google_monitoring_uptime_check_config.hosts"].body
    http = _one(check["http_check"])
    assert (http["path"], http["port"], http["use_ssl"]) == ("/health", 443, True)
    watched = _one(check["monitored_resource"])
    assert watched["type"] == "uptime_url"
    assert watched["labels"]["host"] == "${var.uptime_hosts[count.index]}"
    policy = resources["google_monitoring_alert_policy.uptime"].body
    condition = _one(_one(policy["conditions"])["condition_threshold"])
    assert "uptime_check/check_passed" in condition["filter"]
    assert (
        "${google_monitoring_uptime_check_config.hosts[count.index].uptime_check_id}"
        in condition["filter"]
    )


def test_the_hybrid_workload_has_a_name_in_a_private_zone(stacks: dict[str, Path]) -> None:
    """workload -> dns: the VM's record in a private zone that only the workload's VPC sees."""
    stack = stacks["hybrid-connectivity"]
    call = _calls(stack)["dns"]
    assert call["workload_records"] == ["${module.workload.dns_record}"]
    assert call["network_id"] == "${module.network.network_id}"
    record = _outputs(stack / "modules" / "workload")["dns_record"]
    assert "google_compute_instance.this.network_interface[0].network_ip" in str(record)
    resources = _blocks(stack / "modules" / "dns", "resource")
    zone = resources["google_dns_managed_zone.private"].body
    assert zone["visibility"] == "private"
    network = _one(_one(zone["private_visibility_config"])["networks"])
    assert network["network_url"] == "${var.network_id}"
    records = resources["google_dns_record_set.workloads"].body
    assert records["managed_zone"] == "${google_dns_managed_zone.private.name}"
    assert records["rrdatas"] == ["${var.workload_records[count.index].address}"]


def test_dns_without_a_linked_workload_adds_no_private_zone(stacks: dict[str, Path]) -> None:
    """The private zone and the network input come only with a linked VM."""
    assert "network_id" not in _calls(stacks["dr-pilot-light"])["dns"]
    resources = _blocks(stacks["dr-pilot-light"] / "modules" / "dns", "resource")
    assert "google_dns_managed_zone.private" not in resources


def test_the_load_balancer_sends_to_the_clusters_standalone_negs(stacks: dict[str, Path]) -> None:
    """ingress -> cluster: the backend service's backends are the NEGs GKE creates for the
    app's Service (named after the linked cluster), health-checked on the pods' serving port;
    the zones come from `neg_zones` once the Service exists (the README says how)."""
    stack = stacks["microservices-on-kubernetes"]
    assert _calls(stack)["ingress"]["cluster_name"] == "${module.cluster.cluster_name}"
    module = stack / "modules" / "ingress"
    locals_ = _one([b.body for b in _blocks(module, "locals").values()])
    assert "${var.cluster_name}" in locals_["neg_name"]
    resources = _blocks(module, "resource")
    service = resources["google_compute_backend_service.this"].body
    assert service["health_checks"] == ["${google_compute_health_check.this.id}"]
    backend = _one(service["dynamic"])["backend"]
    assert backend["for_each"] == "${toset(var.neg_zones)}"
    group = backend["content"][0]["group"]
    assert group.endswith("/networkEndpointGroups/${local.neg_name}"), group
    check = _one(resources["google_compute_health_check.this"].body["http_health_check"])
    assert check["port_specification"] == "USE_SERVING_PORT"
    readme = (module / "README.md").read_text()
    assert "cloud.google.com/neg" in readme and "neg_zones" in readme


def test_an_image_pushed_to_the_registry_becomes_a_release(stacks: dict[str, Path]) -> None:
    """registry -> deliver: a Cloud Build trigger on Artifact Registry's `gcr` topic, filtered
    to new images of the linked repository, creates a release of the pipeline as its own
    account, which may release and act as the pipeline's execution account."""
    stack = stacks["cicd-platform"]
    assert _calls(stack)["deliver"]["repository_url"] == "${module.registry.repository_url}"
    resources = _blocks(stack / "modules" / "deliver", "resource")
    trigger = resources["google_cloudbuild_trigger.release"].body
    assert _one(trigger["pubsub_config"])["topic"] == "projects/${var.project_id}/topics/gcr"
    assert "_ACTION.matches('INSERT')" in trigger["filter"]
    assert "${var.repository_url}/" in trigger["filter"]
    assert trigger["service_account"] == "${google_service_account.releaser.id}"
    script = str(_one(_one(trigger["build"])["step"])["args"])
    assert "gcloud deploy releases create" in script
    assert "${google_clouddeploy_delivery_pipeline.this.name}" in script
    roles = resources["google_project_iam_member.releaser"].body["for_each"]
    assert "roles/clouddeploy.releaser" in str(roles)
    acts = resources["google_service_account_iam_member.releaser_acts_as_deploy"].body
    assert acts["service_account_id"] == "${google_service_account.this.name}"
    assert acts["member"] == "serviceAccount:${google_service_account.releaser.email}"


def test_the_templates_pipeline_applies_them_with_infrastructure_manager(
    stacks: dict[str, Path],
) -> None:
    """deliver -> templates: a pipeline whose one target is a custom target type; its deploy
    task runs `gcloud infra-manager deployments apply` as the templates module's account and
    both tasks write the results.json Cloud Deploy reads; the execution account may act as the
    templates account and manage Infrastructure Manager deployments."""
    stack = stacks["cicd-platform"]
    assert _calls(stack)["deliver"]["templates_service_account"] == (
        "${module.templates.service_account}"
    )
    assert _outputs(stack / "modules" / "templates")["service_account"] == (
        "${google_service_account.this.email}"
    )
    resources = _blocks(stack / "modules" / "deliver", "resource")
    tasks = _one(resources["google_clouddeploy_custom_target_type.infra_manager"].body["tasks"])
    render = _one(_one(tasks["render"])["container"])
    deploy = _one(_one(tasks["deploy"])["container"])
    # Each script is one HCL expression (join of shell lines), so its quotes read as \".
    [render_script], [deploy_script] = render["args"], deploy["args"]
    assert 'gcloud storage cp \\"$CLOUD_DEPLOY_INPUT_GCS_PATH\\"' in render_script
    assert '\\"resultStatus\\": \\"SUCCEEDED\\", \\"manifestFile\\"' in render_script
    apply = (
        'gcloud infra-manager deployments apply \\"$IM_DEPLOYMENT\\"'
        ' --service-account=\\"$IM_SERVICE_ACCOUNT\\"'
        ' --gcs-source=\\"$CLOUD_DEPLOY_INPUT_GCS_PATH/config\\"'
    )
    assert apply in deploy_script
    for status in ("SUCCEEDED", "FAILED"):
        assert f'\\"resultStatus\\": \\"{status}\\"' in deploy_script
    for script in (render_script, deploy_script):
        assert script.endswith(
            'gcloud storage cp /workspace/results.json \\"$CLOUD_DEPLOY_OUTPUT_GCS_PATH/results.json\\""])}'
        )
    assert deploy["env"]["IM_SERVICE_ACCOUNT"] == (
        "projects/${var.project_id}/serviceAccounts/${var.templates_service_account}"
    )
    assert render["env"]["IM_DEPLOYMENT"] == deploy["env"]["IM_DEPLOYMENT"]
    target = resources["google_clouddeploy_target.templates"].body
    assert _one(target["custom_target"])["custom_target_type"] == (
        "${google_clouddeploy_custom_target_type.infra_manager.id}"
    )
    execution = _one(target["execution_configs"])
    assert execution["service_account"] == "${google_service_account.applier.email}"
    assert set(execution["usages"]) == {"RENDER", "DEPLOY"}
    pipeline = resources["google_clouddeploy_delivery_pipeline.templates"].body
    stage = _one(_one(pipeline["serial_pipeline"])["stages"])
    assert stage["target_id"] == "${google_clouddeploy_target.templates.name}"
    acts = resources["google_service_account_iam_member.applier_acts_as_templates"].body
    assert acts["service_account_id"] == (
        "projects/${var.project_id}/serviceAccounts/${var.templates_service_account}"
    )
    assert acts["role"] == "roles/iam.serviceAccountUser"
    assert acts["member"] == "serviceAccount:${google_service_account.applier.email}"
    roles = str(resources["google_project_iam_member.applier"].body["for_each"])
    assert "roles/config.admin" in roles and "roles/clouddeploy.jobRunner" in roles
    templates = _blocks(stack / "modules" / "templates", "resource")
    assert templates["google_project_iam_member.agent"].body["role"] == "roles/config.agent"


def test_ssh_through_iap_reaches_only_the_web_tier(stacks: dict[str, Path]) -> None:
    """bastion -> web: IAP's forwarding range may open port 22 on the web tier's service
    account only; a deny for every other instance outranks the network's general IAP rule."""
    stack = stacks["three-tier-web-vms"]
    call = _calls(stack)["bastion"]
    assert call["target_service_accounts"] == ["${module.web.service_account_email}"]
    assert call["network_id"] == "${module.network.network_id}"
    resources = _blocks(stack / "modules" / "bastion", "resource")
    allow = resources["google_compute_firewall.iap_to_targets"].body
    deny = resources["google_compute_firewall.iap_elsewhere"].body
    general = _blocks(stack / "modules" / "network", "resource")["google_compute_firewall.iap"].body
    iap = ["35.235.240.0/20"]
    assert allow["source_ranges"] == deny["source_ranges"] == general["source_ranges"] == iap
    assert allow["target_service_accounts"] == "${var.target_service_accounts}"
    assert _one(allow["allow"])["ports"] == _one(deny["deny"])["ports"] == ["22"]
    assert "target_service_accounts" not in deny and "target_tags" not in deny
    assert allow["priority"] < deny["priority"] < general["priority"]
