"""draw.io (diagrams.net) XML from a diagram model: editable groups, shapes and edges.

Layout is computed here (no Graphviz): each group stacks its nodes, then its main child groups
along the flow direction, with ops/security groups in a strip beside them. Shapes use draw.io's
built-in cloud stencils where one exists for the service's `diagrams` class, else a labelled
rectangle; edges are left for draw.io to route, so moving a box keeps them attached.
"""

from __future__ import annotations

import html
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .diagram import GROUP_STYLE, PROVIDER_COLORS, DiagramGroup, DiagramModel, DiagramNode

SLOT_W, SLOT_H, ICON = 130, 110, 56
PAD, HEAD, GAP = 16, 34, 24

# diagrams class name → draw.io stencil name (names as in draw.io's own stencil sets).
# fmt: off
AWS_ICONS = {
    "Athena": "athena", "EMR": "emr", "Glue": "glue", "GlueDataCatalog": "glue",
    "KinesisDataAnalytics": "kinesis_data_analytics", "KinesisDataStreams": "kinesis_data_streams",
    "KinesisDataFirehose": "kinesis_data_firehose", "ManagedStreamingForKafka":
    "managed_streaming_for_kafka", "Quicksight": "quicksight", "Redshift": "redshift",
    "Batch": "batch", "EC2": "ec2", "EC2AutoScaling": "auto_scaling2", "ECR": "ecr", "ECS": "ecs",
    "EKS": "eks", "ElasticBeanstalk": "elastic_beanstalk", "Fargate": "fargate", "Lambda": "lambda",
    "Aurora": "aurora", "DocumentDB": "documentdb_with_mongodb_compatibility",
    "Dynamodb": "dynamodb", "ElastiCache": "elasticache", "Neptune": "neptune", "RDS": "rds",
    "Codebuild": "codebuild", "Codecommit": "codecommit", "Codedeploy": "codedeploy",
    "Codepipeline": "codepipeline", "XRay": "xray", "Appsync": "appsync",
    "Eventbridge": "eventbridge", "MQ": "mq", "SNS": "sns", "SQS": "sqs",
    "StepFunctions": "step_functions", "Cloudformation": "cloudformation",
    "Cloudtrail": "cloudtrail", "Cloudwatch": "cloudwatch", "CloudwatchLogs": "cloudwatch",
    "Config": "config", "Organizations": "organizations", "SystemsManager": "systems_manager",
    "ALB": "elastic_load_balancing", "NLB": "elastic_load_balancing",
    "APIGateway": "api_gateway", "CloudFront": "cloudfront", "DirectConnect": "direct_connect",
    "GlobalAccelerator": "global_accelerator", "Route53": "route_53",
    "TransitGateway": "transit_gateway", "VPC": "vpc", "Privatelink": "vpc_privatelink",
    "CertificateManager": "certificate_manager_3", "Cognito": "cognito",
    "DirectoryService": "directory_service", "Guardduty": "guardduty",
    "IAM": "identity_and_access_management", "Inspector": "inspector",
    "KMS": "key_management_service", "Macie": "macie", "SecretsManager": "secrets_manager",
    "SecurityHub": "security_hub", "Shield": "shield", "SingleSignOn": "single_sign_on",
    "WAF": "waf", "Backup": "backup", "S3": "s3", "S3Glacier": "glacier", "FSx": "fsx",
}
AZURE_ICONS = {
    "VM": "virtual_machine", "VMScaleSets": "autoscale", "AppServices": "azure_website",
    "SQLDatabases": "sql_database", "SQLManagedInstances": "sql_database",
    "DatabaseForMysqlServers": "mysql_database", "CacheForRedis": "azure_cache",
    "BlobStorage": "storage_blob", "QueuesStorage": "storage_queue",
    "TableStorage": "storage_table", "ServiceBus": "service_bus",
    "LoadBalancers": "load_balancer_generic", "ApplicationGateway": "load_balancer_generic",
    "VirtualNetworks": "virtual_network", "ExpressrouteCircuits": "express_route",
    "TrafficManagerProfiles": "traffic_manager", "CDNProfiles": "content_delivery_network",
    "FrontDoors": "content_delivery_network", "ActiveDirectory": "azure_active_directory",
    "AzureADB2C": "azure_active_directory", "RecoveryServicesVaults": "backup_service",
    "AutomationAccounts": "automation", "Monitor": "health_monitoring",
}
GCP_ICONS = {
    "BigQuery": "bigquery", "Composer": "cloud_composer", "Dataflow": "cloud_dataflow",
    "Dataproc": "cloud_dataproc", "PubSub": "cloud_pubsub", "Apigee": "apigee_api_platform",
    "Endpoints": "cloud_endpoints", "AppEngine": "app_engine", "ComputeEngine": "compute_engine",
    "Functions": "cloud_functions", "KubernetesEngine": "container_engine",
    "Bigtable": "cloud_bigtable", "Datastore": "cloud_datastore",
    "Memorystore": "cloud_memorystore", "SQL": "cloud_sql", "Spanner": "cloud_spanner",
    "Build": "container_builder", "ContainerRegistry": "container_registry",
    "Armor": "cloud_armor", "CDN": "cloud_cdn", "DNS": "cloud_dns",
    "DedicatedInterconnect": "dedicated_interconnect", "FirewallRules": "cloud_firewall_rules",
    "LoadBalancing": "cloud_load_balancing", "VPC": "virtual_private_cloud", "VPN": "cloud_vpn",
    "Logging": "logging", "Monitoring": "stackdriver", "IAP": "identity_aware_proxy",
    "Iam": "cloud_iam", "KMS": "key_management_service", "Filestore": "cloud_filestore",
    "SecurityCommandCenter": "cloud_security_command_center", "Storage": "cloud_storage",
    "SecurityScanner": "cloud_security_scanner", "PersistentDisk": "persistent_disk",
}
AWS_COLORS = {"analytics": "#8C4FFF", "compute": "#ED7100", "database": "#C925D1",
              "devtools": "#C925D1", "integration": "#E7157B", "management": "#E7157B",
              "network": "#8C4FFF", "security": "#DD344C", "storage": "#7AA116"}
# fmt: on
LABEL = "html=1;verticalLabelPosition=bottom;verticalAlign=top;align=center;"
GENERIC = "rounded=1;whiteSpace=wrap;html=1;fillColor=#F5F6F7;strokeColor=#AEB6BE;fontSize=11;"


def node_style(node: DiagramNode) -> str:
    """The draw.io style of a node: a cloud stencil where mapped, else a labelled rectangle."""
    parts = (node.icon or "").split(".")
    provider, group, name = (parts[1], parts[2], parts[-1]) if len(parts) == 4 else ("", "", "")
    if node.id.startswith("_"):
        return f"{LABEL}shape=umlActor;fillColor=#FFFFFF;strokeColor=#232F3E;"
    if provider == "aws" and name in AWS_ICONS:
        return (
            f"{LABEL}sketch=0;outlineConnect=0;aspect=fixed;strokeColor=#ffffff;fontSize=11;"
            f"fillColor={AWS_COLORS.get(group, '#232F3E')};"
            f"shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.{AWS_ICONS[name]};"
        )
    if provider == "azure" and name in AZURE_ICONS:
        return (
            f"{LABEL}strokeColor=none;fillColor=#00BEF2;fontSize=11;"
            f"shape=mxgraph.azure.{AZURE_ICONS[name]};"
        )
    if provider == "gcp" and name in GCP_ICONS:
        return (
            f"{LABEL}dashed=0;strokeColor=none;fillColor=#5184F3;fontSize=11;"
            f"shape=mxgraph.gcp2.{GCP_ICONS[name]};"
        )
    return GENERIC


def group_style(group: DiagramGroup, provider: str) -> str:
    fill, stroke = GROUP_STYLE.get(group.kind, ("#FFFFFF", "#AEB6BE"))
    if group.kind == "provider":
        stroke = PROVIDER_COLORS.get(provider, stroke)
    if provider == "aws" and group.kind in ("provider", "region", "network"):
        icon = {
            "provider": "group_aws_cloud_alt",
            "region": "group_region",
            "network": "group_vpc",
        }[group.kind]
        shape = f"shape=mxgraph.aws4.group;grIcon=mxgraph.aws4.{icon};spacingLeft=30;"
    else:
        shape = "rounded=1;arcSize=4;absoluteArcSize=1;"
    dashed = "1" if group.kind in ("region", "public", "private") else "0"
    return (
        f"container=1;collapsible=0;recursiveResize=0;html=1;whiteSpace=wrap;"
        f"verticalAlign=top;align=left;spacingLeft=8;fontSize=12;fontStyle=1;"
        f"fillColor={fill};strokeColor={stroke};dashed={dashed};{shape}"
    )


@dataclass
class _Box:
    """A laid-out node or group: position relative to its parent group."""

    item: DiagramNode | DiagramGroup
    w: float
    h: float
    x: float = 0
    y: float = 0
    children: list[_Box] = field(default_factory=list)


def _stack(boxes: list[_Box], along_x: bool, start: tuple[float, float]) -> tuple[float, float]:
    """Place `boxes` one after another from `start`; return the far corner reached."""
    x, y = start
    far_x, far_y = x, y
    for box in boxes:
        box.x, box.y = x, y
        far_x, far_y = max(far_x, x + box.w), max(far_y, y + box.h)
        x, y = (x + box.w + GAP, y) if along_x else (x, y + box.h + GAP)
    return far_x, far_y


def _layout(group: DiagramGroup, flow_x: bool) -> _Box:
    """Nodes first (across the flow; along it for side groups), then main child groups along
    the flow, then side child groups in a strip after them (across the flow)."""
    nodes = [_Box(n, SLOT_W, SLOT_H) for n in group.nodes]
    main = [_layout(g, flow_x) for g in group.groups if not g.side]
    side = [_layout(g, flow_x) for g in group.groups if g.side]
    origin: tuple[float, float] = (PAD, HEAD)
    far = _stack(nodes, flow_x == group.side, origin)
    if nodes and main:
        origin = (far[0] + GAP, HEAD) if flow_x else (PAD, far[1] + GAP)
    far2 = _stack(main, flow_x, origin)
    far = (max(far[0], far2[0]), max(far[1], far2[1]))
    if side:
        far2 = _stack(side, flow_x, (PAD, far[1] + GAP) if flow_x else (far[0] + GAP, HEAD))
        far = (max(far[0], far2[0]), max(far[1], far2[1]))
    return _Box(group, far[0] + PAD, far[1] + PAD, children=nodes + main + side)


def _cell(
    root: ET.Element,
    cell_id: str,
    value: str,
    style: str,
    parent: str,
    geometry: tuple[float, float, float, float] | None,
    **kind: str,
) -> None:
    cell = ET.SubElement(
        root, "mxCell", {"id": cell_id, "value": value, "style": style, **kind, "parent": parent}
    )
    if geometry is None:
        ET.SubElement(cell, "mxGeometry", {"relative": "1", "as": "geometry"})
        return
    x, y, w, h = (f"{v:g}" for v in geometry)
    ET.SubElement(cell, "mxGeometry", {"x": x, "y": y, "width": w, "height": h, "as": "geometry"})


def _emit(root: ET.Element, box: _Box, parent: str, provider: str) -> None:
    """Write `box` (and, for a group, its children inside it) as mxCells."""
    x, y = box.x, box.y
    if isinstance(box.item, DiagramGroup):
        cell_id = f"g-{box.item.id}"
        _cell(
            root,
            cell_id,
            box.item.label,
            group_style(box.item, provider),
            parent,
            (x, y, box.w, box.h),
            vertex="1",
        )
        for child in box.children:
            _emit(root, child, cell_id, provider)
        return
    node = box.item
    lines = textwrap.wrap(node.label, 20) + textwrap.wrap(
        f"({node.caption})" if node.caption else "", 22
    )
    value = "<br>".join(html.escape(line) for line in lines)
    style = node_style(node)
    if style == GENERIC:
        geometry = (x + 5, y + 25, SLOT_W - 10, 60)
    else:
        geometry = (x + (SLOT_W - ICON) / 2, y + 4, ICON, ICON)
    _cell(root, f"n-{node.id}", value, style, parent, geometry, vertex="1")


def render_drawio(model: DiagramModel, direction: str = "LR") -> str:
    """An uncompressed .drawio file: one page, a title, the groups, nodes and labelled edges."""
    flow_x = direction == "LR"
    mxfile = ET.Element("mxfile", {"host": "archkb", "type": "device"})
    diagram = ET.SubElement(
        mxfile, "diagram", {"id": f"archkb-{model.provider}", "name": model.provider.upper()}
    )
    graph = ET.SubElement(
        diagram,
        "mxGraphModel",
        {
            "grid": "1",
            "gridSize": "10",
            "guides": "1",
            "connect": "1",
            "arrows": "1",
            "page": "0",
            "math": "0",
            "shadow": "0",
        },
    )
    root = ET.SubElement(graph, "root")
    ET.SubElement(root, "mxCell", {"id": "0"})
    ET.SubElement(root, "mxCell", {"id": "1", "parent": "0"})
    _cell(
        root,
        "title",
        f"<b>{html.escape(model.title)}</b><br>{html.escape(model.subtitle)}",
        "text;html=1;align=left;verticalAlign=top;fontSize=16;",
        "1",
        (0, 0, 900, 50),
        vertex="1",
    )
    top = 70.0
    body = _layout(model.root, flow_x)
    outside = [_Box(n, SLOT_W, SLOT_H) for n in model.outside]
    # context nodes (users, on-premises) stand before the cloud, centred on it
    if flow_x:
        height = len(outside) * (SLOT_H + GAP) - GAP
        far = _stack(outside, False, (0, top + max(0, (body.h - height) / 2)))
        body.x, body.y = (far[0] + GAP * 2 if outside else 0), top
    else:
        width = len(outside) * (SLOT_W + GAP) - GAP
        far = _stack(outside, True, (max(0, (body.w - width) / 2), top))
        body.x, body.y = 0, (far[1] + GAP * 2 if outside else top)
    for box in [*outside, body]:
        _emit(root, box, "1", model.provider)
    for index, edge in enumerate(model.edges):
        _cell(
            root,
            f"e{index}-{edge.source}-{edge.target}",
            html.escape(edge.label),
            "edgeStyle=orthogonalEdgeStyle;rounded=1;html=1;endArrow=block;endFill=1;"
            "fontSize=10;labelBackgroundColor=#FFFFFF;strokeColor=#6B7785;",
            "1",
            None,
            edge="1",
            source=f"n-{edge.source}",
            target=f"n-{edge.target}",
        )
    ET.indent(mxfile, "  ")
    return ET.tostring(mxfile, encoding="unicode") + "\n"
