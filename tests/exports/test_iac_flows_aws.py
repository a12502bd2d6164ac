"""The AWS flows issue 16.3 left as `todo`: each is now a real grant or network path.

test_iac_flows.py only sees that the root passes one end's output to the other end's module;
these tests read what the modules do with it (the health check on the alarm, the bucket
policy naming the trail, the security group naming its client...). Each stack is rendered once
per module and parsed with the validator's own HCL reader; no checkov run here (the Terraform
job scans every stack).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.exports.iac.render import render_tool
from archkb.exports.iac.validate.config import Block, Module, read_folder

from tests.exports.terraform_outputs import META, architecture

Stack = dict[str, Module]


@pytest.fixture(scope="module")
def stack(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`stack("observability-stack")` → its folders (`modules/logs`, `envs/prod`) parsed once."""
    cache: dict[str, Stack] = {}
    root = tmp_path_factory.mktemp("aws-flows")

    def get(case: str) -> Stack:
        if case not in cache:
            folder = root / case
            for rel, text in render_tool(
                "terraform", architecture(kb, f"{case}/aws"), META
            ).items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_text(text)
            cache[case] = {m.path: m for m in read_folder(folder)}
        return cache[case]

    return get


def _block(found: Stack, folder: str, kind: str, type_: str, name: str) -> Block:
    block = found[folder].find(kind, type_, name)
    assert block is not None, f"{folder}: no {kind} {type_} {name}"
    return block


def _resource(found: Stack, module: str, type_: str, name: str) -> dict[str, Any]:
    return _block(found, f"modules/{module}", "resource", type_, name).body


def _output(found: Stack, module: str, name: str) -> str:
    return str(_block(found, f"modules/{module}", "output", "", name).body["value"])


def _root_input(found: Stack, module: str, var: str) -> Any:
    return _block(found, "envs/prod", "module", "", module).body[var]


def _has(found: Stack, module: str, type_: str, name: str) -> bool:
    return found[f"modules/{module}"].find("resource", type_, name) is not None


def test_dns_fails_over_on_the_telemetry_alarm(stack: Any) -> None:
    for case in ("dr-pilot-light+dr", "dr-warm-standby+dr"):
        found = stack(case)
        assert _root_input(found, "dns", "health_alarm") == "${module.telemetry.health_alarm}"
        check = _resource(found, "dns", "aws_route53_health_check", "primary")
        assert check["type"] == "CLOUDWATCH_METRIC"
        assert check["cloudwatch_alarm_name"] == "${var.health_alarm.name}"
        assert check["cloudwatch_alarm_region"] == "${var.health_alarm.region}"
        primary = _resource(found, "dns", "aws_route53_record", "apex")
        assert primary["health_check_id"] == "${aws_route53_health_check.primary.id}"
        assert primary["failover_routing_policy"][0]["type"] == "PRIMARY"
        # The alarm DNS follows is the sustained one, not the one-error page.
        assert "aws_cloudwatch_metric_alarm.unhealthy.alarm_name" in _output(
            found, "telemetry", "health_alarm"
        )
        alarm = _resource(found, "telemetry", "aws_cloudwatch_metric_alarm", "unhealthy")
        assert alarm["evaluation_periods"] == alarm["datapoints_to_alarm"] == 5


def test_cloudfront_is_alarmed_in_us_east_1(stack: Any) -> None:
    found = stack("static-website-cdn")
    assert _root_input(found, "telemetry", "edge_metrics") == ["${module.cdn.alarm_metric}"]
    metric = _output(found, "cdn", "alarm_metric")
    assert "AWS/CloudFront" in metric and "Global" in metric
    for type_, name in (
        ("aws_cloudwatch_metric_alarm", "edge"),
        ("aws_sns_topic", "edge_alarms"),
        ("aws_kms_key", "edge_alarms"),
    ):
        assert _resource(found, "telemetry", type_, name)["provider"] == "${aws.us_east_1}"
    alarm = _resource(found, "telemetry", "aws_cloudwatch_metric_alarm", "edge")
    assert alarm["alarm_actions"] == ["${aws_sns_topic.edge_alarms.arn}"]
    # A design without a CDN keeps its telemetry in its own region.
    assert not _has(stack("dr-pilot-light"), "telemetry", "aws_cloudwatch_metric_alarm", "edge")


def test_the_trail_writes_to_the_archive_it_is_admitted_to(stack: Any) -> None:
    found = stack("observability-stack")
    assert _root_input(found, "audit", "archive_bucket") == "${module.archive.trail_bucket}"
    assert _root_input(found, "archive", "trail_arns") == ["${module.audit.trail_arn}"]
    trail = _resource(found, "audit", "aws_cloudtrail", "this")
    assert trail["s3_bucket_name"] == "${var.archive_bucket}"
    # Built from the name, so the bucket policy does not wait for the trail it admits.
    assert "aws_cloudtrail" not in _output(found, "audit", "trail_arn")
    assert _output(found, "archive", "trail_bucket") == "${aws_s3_bucket_policy.this.bucket}"
    policy = str(_resource(found, "archive", "aws_s3_bucket_policy", "this")["policy"])
    assert "CloudTrailWrite" in policy and '"aws:SourceArn" = var.trail_arns' in policy


def test_logs_reach_the_archive_through_firehose(stack: Any) -> None:
    found = stack("observability-stack")
    assert _root_input(found, "logs", "archive_bucket_arn") == "${module.archive.bucket_arn}"
    sub = _resource(found, "logs", "aws_cloudwatch_log_subscription_filter", "archive")
    assert sub["log_group_name"] == "${aws_cloudwatch_log_group.this.name}"
    assert sub["destination_arn"] == "${aws_kinesis_firehose_delivery_stream.archive.arn}"
    stream = _resource(found, "logs", "aws_kinesis_firehose_delivery_stream", "archive")
    assert stream["extended_s3_configuration"][0]["bucket_arn"] == "${var.archive_bucket_arn}"


def test_spans_land_in_the_logs_module(stack: Any) -> None:
    found = stack("observability-stack")
    assert _root_input(found, "traces", "spans_destination") == "${module.logs.spans_destination}"
    group = _resource(found, "logs", "aws_cloudwatch_log_group", "spans")
    assert group["name"] == "aws/spans" and group["kms_key_id"] == "${var.kms_key_arn}"
    policy = found["modules/logs"].find("data", "aws_iam_policy_document", "spans")
    assert policy is not None and "xray.amazonaws.com" in str(policy.body)
    dest = _resource(found, "traces", "aws_xray_trace_segment_destination", "this")
    assert dest["destination"] == "CloudWatchLogs"
    assert "var.spans_destination.log_group_arn" in dest["region"]


def test_prometheus_alerts_reach_the_alarm_topic(stack: Any) -> None:
    found = stack("observability-stack")
    assert (
        _root_input(found, "prometheus", "alert_topic_arn") == "${module.metrics.alarm_topic_arn}"
    )
    assert _root_input(found, "metrics", "prometheus_workspace_arns") == [
        "${module.prometheus.workspace_arn}"
    ]
    manager = _resource(found, "prometheus", "aws_prometheus_alert_manager_definition", "this")
    assert "var.alert_topic_arn" in str(manager["definition"])
    topic_policy = str(_resource(found, "metrics", "aws_sns_topic_policy", "alarms")["policy"])
    assert "aps.amazonaws.com" in topic_policy and "var.prometheus_workspace_arns" in topic_policy
    key_policy = str(_resource(found, "keys", "aws_kms_key", "this")["policy"])
    assert "aps.amazonaws.com" in key_policy
    # Only a design with managed Prometheus lets aps use the key.
    other = str(_resource(stack("dr-pilot-light"), "keys", "aws_kms_key", "this")["policy"])
    assert "aps.amazonaws.com" not in other


def test_the_hub_routes_through_a_transit_gateway_firewall(stack: Any) -> None:
    found = stack("hybrid-connectivity")
    assert (
        _root_input(found, "firewall", "transit_gateway_id") == "${module.hub.transit_gateway_id}"
    )
    assert (
        _root_input(found, "hub", "firewall_attachment_id")
        == "${module.firewall.transit_gateway_attachment_id}"
    )
    firewall = _resource(found, "firewall", "aws_networkfirewall_firewall", "this")
    assert firewall["transit_gateway_id"] == "${var.transit_gateway_id}"
    assert "vpc_id" not in firewall and "availability_zone_mapping" in str(firewall["dynamic"])
    route = _resource(found, "hub", "aws_ec2_transit_gateway_route", "to_firewall")
    assert route["destination_cidr_block"] == "0.0.0.0/0"
    assert route["transit_gateway_attachment_id"] == "${var.firewall_attachment_id}"
    back = _resource(found, "hub", "aws_ec2_transit_gateway_route_table_association", "firewall")
    assert (
        back["transit_gateway_route_table_id"]
        == "${aws_ec2_transit_gateway_route_table.inspected.id}"
    )


def test_the_workload_is_named_and_joined(stack: Any) -> None:
    found = stack("hybrid-connectivity")
    assert _root_input(found, "dns", "private_records") == ["${module.workload.dns_record}"]
    zone = _resource(found, "dns", "aws_route53_zone", "private")
    assert zone["vpc"][0]["vpc_id"] == "${var.vpc_id}"
    record = _resource(found, "dns", "aws_route53_record", "workloads")
    assert record["records"] == ["${var.private_records[count.index].address}"]
    assert _root_input(found, "workload", "directory") == "${module.directory.join_settings}"
    join = _resource(found, "workload", "aws_ssm_association", "domain_join")
    assert join["name"] == "AWS-JoinDirectoryServiceDomain"
    assert join["parameters"]["directoryId"] == "${var.directory.directory_id}"
    assert join["targets"][0]["values"] == ["${aws_instance.this.id}"]
    secret = found["modules/workload"].find("data", "aws_iam_policy_document", "domain_join")
    assert secret is not None and "seamless-domain-join" in str(secret.body)


@pytest.mark.parametrize(
    ("case", "bi"), [("data-warehouse-elt", "bi"), ("streaming-analytics", "dashboards")]
)
def test_quicksight_reads_the_warehouse_privately(stack: Any, case: str, bi: str) -> None:
    found = stack(case)
    assert _root_input(found, bi, "warehouse_host") == "${module.warehouse.workgroup_endpoint}"
    source = _resource(found, bi, "aws_quicksight_data_source", "warehouse")
    assert source["type"] == "REDSHIFT"
    assert source["parameters"][0]["redshift"][0]["host"] == "${var.warehouse_host}"
    vpc = source["vpc_connection_properties"][0]["vpc_connection_arn"]
    assert vpc == "${aws_quicksight_vpc_connection.this.arn}"
    # It waits for the database user only SQL can create, and the README says so.
    assert source["credentials"][0]["secret_arn"] == "${var.reader_secret_arn}"
    assert "reader_secret_arn" in str(source["count"])


def test_builds_publish_to_codeartifact(stack: Any) -> None:
    found = stack("cicd-platform")
    assert (
        _root_input(found, "build", "package_repository") == "${module.artifacts.publisher_access}"
    )
    policy = found["modules/build"].find("data", "aws_iam_policy_document", "this")
    assert policy is not None
    statements = {s.get("sid"): s for s in policy.body["statement"]}
    bearer = statements["PackageBearerToken"]
    assert bearer["actions"] == ["sts:GetServiceBearerToken"]
    assert bearer["condition"][0]["values"] == ["codeartifact.amazonaws.com"]
    assert statements["PublishPackages"]["resources"] == ["${var.package_repository.packages_arn}"]
    endpoints = str(_resource(found, "network", "aws_vpc_endpoint", "interface")["for_each"])
    assert "codeartifact.api" in endpoints and "codeartifact.repositories" in endpoints


def test_the_pipeline_deploys_the_templates_stack(stack: Any) -> None:
    found = stack("cicd-platform")
    assert _root_input(found, "deliver", "deployment") == "${module.templates.deployment}"
    assert _root_input(found, "templates", "pipeline") == "${module.deliver.pipeline_access}"
    pipeline = _resource(found, "deliver", "aws_codepipeline", "this")
    deploy = next(s for s in pipeline["stage"] if s["name"] == "Deploy")
    action = deploy["action"][0]
    assert action["provider"] == "CloudFormation"
    assert action["configuration"]["StackName"] == "${var.deployment.stack_name}"
    assert action["configuration"]["RoleArn"] == "${var.deployment.role_arn}"
    # Terraform creates the stack with the deploy role; releases own its template from then on.
    created = _resource(found, "templates", "aws_cloudformation_stack", "this")
    assert created["iam_role_arn"] == "${aws_iam_role.deploy.arn}"
    assert created["lifecycle"][0]["ignore_changes"] == ["template_body"]
    grant = _resource(found, "templates", "aws_iam_role_policy", "pipeline")
    assert grant["role"] == "${var.pipeline.role_name}"
    # Without a pipeline, Terraform alone manages the stack's template.
    alone = _resource(stack("dr-pilot-light"), "templates", "aws_cloudformation_stack", "this")
    assert "lifecycle" not in alone and "iam_role_arn" not in alone


def test_documentdb_admits_its_clients_only(stack: Any) -> None:
    found = stack("event-driven-microservices")
    clients = _root_input(found, "store", "client_security_group_ids")
    assert clients == ["${module.services.security_group_id}"]
    ingress = _resource(found, "store", "aws_security_group", "this")["ingress"][0]
    assert ingress["security_groups"] == "${var.client_security_group_ids}"
    assert "cidr_blocks" not in ingress
    egress = _resource(found, "services", "aws_security_group", "this")["dynamic"][0]["egress"]
    assert egress["for_each"] == "${toset(var.data_store_ports)}"


def test_the_ingress_reaches_the_pods(stack: Any) -> None:
    found = stack("microservices-on-kubernetes")
    assert _root_input(found, "cluster", "ingress_target") == "${module.ingress.pod_target}"
    rule = _resource(found, "cluster", "aws_vpc_security_group_ingress_rule", "from_load_balancer")
    assert rule["referenced_security_group_id"] == "${var.ingress_target.security_group_id}"
    assert "cluster_security_group_id" in rule["security_group_id"]
    association = _resource(
        found, "cluster", "aws_eks_pod_identity_association", "load_balancer_controller"
    )
    assert association["service_account"] == "aws-load-balancer-controller"
    policy = found["modules/cluster"].find(
        "data", "aws_iam_policy_document", "load_balancer_controller"
    )
    assert policy is not None
    register = next(s for s in policy.body["statement"] if "RegisterTargets" in str(s["actions"]))
    assert register["resources"] == ["${var.ingress_target.target_group_arn}"]


def test_no_aws_todo_is_left() -> None:
    lines = (Path(__file__).with_name("unwired_flows.txt")).read_text().splitlines()
    assert not [line for line in lines if " aws " in line and "# todo:" in line]
