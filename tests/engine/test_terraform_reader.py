"""The Terraform reader: our own fixture trees (modules, parser traps, JSON, OpenTofu) and
hostile folders (symlink loops, unreadable files, many files) become an inventory, never an abort."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from archkb.engine.terraform import (
    Inventory,
    InventoryInputError,
    InventoryItem,
    inventory_from_text,
    read_inventory,
)
from archkb.engine.terraform.hcl import parse_hcl

TF = Path(__file__).resolve().parent.parent / "data" / "tf"


def by_address(inventory: Inventory) -> dict[str, InventoryItem]:
    return {item.address: item for item in inventory.items}


@pytest.fixture(scope="module")
def tree() -> Inventory:
    return read_inventory(TF / "modules-tree")


@pytest.fixture(scope="module")
def traps() -> Inventory:
    return read_inventory(TF / "traps")


def test_local_modules_are_followed_with_their_module_path(tree: Inventory) -> None:
    items = by_address(tree)
    vpc = items["module.network.aws_vpc.this"]
    assert (vpc.file, vpc.line, vpc.module) == ("modules/network/main.tf", 9, "module.network")
    db = items["module.network.module.db.aws_db_instance.main"]
    assert db.module == "module.network.module.db"
    assert db.attributes["engine"] == "postgres"
    assert items["aws_s3_bucket.logs"].file == "main.tf"


def test_count_and_for_each_are_noted_not_expanded(tree: Inventory) -> None:
    items = by_address(tree)
    assert items["module.network.aws_subnet.private"].repeat == "count"
    assert items["aws_s3_bucket.logs"].repeat == "for_each"
    assert items["module.network.aws_vpc.this"].repeat is None
    assert sum(1 for i in tree.items if i.type == "aws_subnet") == 1


def test_dynamic_blocks_keep_their_literal_content(tree: Inventory) -> None:
    web = by_address(tree)["module.network.aws_security_group.web"]
    assert web.attributes["ingress"] == "(dynamic)"
    assert web.attributes["ingress.protocol"] == "tcp"


def test_references_resolve_through_locals(tree: Inventory) -> None:
    items = by_address(tree)
    assert items["module.network.aws_subnet.private"].refs == ["module.network.aws_vpc.this"]
    assert items["aws_s3_bucket.logs"].refs == ["random_id.suffix"]


def test_registry_remote_missing_and_cyclic_modules_are_rows(tree: Inventory) -> None:
    modules = {i.address: i for i in tree.items if i.kind == "module"}
    assert modules["module.cluster"].type == "terraform-aws-modules/eks/aws"
    assert modules["module.cluster"].attributes["version"] == "~> 20.0"
    assert "module.karpenter" in modules and "module.unknown_remote" in modules
    assert "not found" in modules["module.missing"].message
    cycle = modules["module.ping.module.pong.module.ping"]
    assert "cycle" in cycle.message and cycle.file == "modules/pong/main.tf"
    # the modules of the cycle are still read, once each
    assert {"module.ping.aws_sqs_queue.ping", "module.ping.module.pong.aws_sns_topic.pong"} <= set(
        by_address(tree)
    )


def test_data_sources_are_listed(tree: Inventory) -> None:
    me = by_address(tree)["data.aws_caller_identity.me"]
    assert me.kind == "data" and me.line == 45


def test_parser_traps_still_yield_every_block(traps: Inventory) -> None:
    items = by_address(traps)
    # heredoc terminator with trailing spaces
    assert {"aws_iam_policy.heredoc", "aws_sqs_queue.after_heredoc"} <= set(items)
    assert items["aws_sqs_queue.after_heredoc"].line == 9
    # attribute access continued on the next line with a leading dot
    assert items["aws_lambda_function.chained"].refs == ["aws_iam_role.exec"]
    # Terraform 0.11 interpolation-only strings and attribute-less blocks
    legacy = items["aws_instance.legacy"]
    assert legacy.repeat == "count" and legacy.attributes["instance_type"] == "t2.micro"


def test_a_bad_block_costs_only_itself(traps: Inventory) -> None:
    items = by_address(traps)
    assert items["aws_s3_bucket.before"].message == ""
    assert "syntax error inside this block" in items["aws_s3_bucket.half"].message
    assert items["aws_dynamodb_table.after"].line == 9


def test_unreadable_files_become_unparsed_rows(traps: Inventory) -> None:
    unparsed = {i.file: i for i in traps.items if i.kind == "unparsed"}
    assert set(unparsed) == {"hopeless.tf", "latin1.tf", "broken.tf"}
    # the bad block maps (its type and name were read) and its error is a row of its own
    assert unparsed["broken.tf"].line == 7 and "aws_s3_bucket.half" in unparsed["broken.tf"].message
    assert unparsed["latin1.tf"].message.startswith("not UTF-8")
    assert unparsed["hopeless.tf"].line == 1 and unparsed["hopeless.tf"].address == "hopeless.tf:1"


def test_json_and_opentofu_files_are_read(traps: Inventory) -> None:
    items = by_address(traps)
    subnet = items["aws_subnet.json_subnet"]
    assert (subnet.file, subnet.line, subnet.refs) == ("network.tf.json", 9, ["aws_vpc.json_vpc"])
    assert items["aws_elasticache_cluster.tofu"].file == "cache.tofu"
    # x.tofu replaces x.tf, as OpenTofu does
    assert "aws_sns_topic.shadowed_tofu" in items and "aws_sns_topic.shadowed_tf" not in items
    assert traps.files == 9


def test_shared_module_is_listed_once_under_its_first_caller(tmp_path: Path) -> None:
    (tmp_path / "modules" / "app").mkdir(parents=True)
    (tmp_path / "modules" / "app" / "main.tf").write_text('resource "aws_sqs_queue" "q" {}\n')
    for env in ("a-prod", "b-test"):
        (tmp_path / "envs" / env).mkdir(parents=True)
        (tmp_path / "envs" / env / "main.tf").write_text(
            'module "app" {\n  source = "../../modules/app"\n}\n'
        )
    queues = [i for i in read_inventory(tmp_path).items if i.type == "aws_sqs_queue"]
    assert [q.address for q in queues] == ["module.app.aws_sqs_queue.q"]
    assert queues[0].file == "modules/app/main.tf"


def test_symlink_loops_and_links_out_of_the_folder(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "modules").mkdir(parents=True)
    (root / "main.tf").write_text(
        'module "self" {\n  source = "./modules/self"\n}\nresource "aws_sqs_queue" "q" {}\n'
    )
    (root / "modules" / "self").symlink_to(root, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    outside = tmp_path / "outside.tf"
    outside.write_text('resource "aws_s3_bucket" "x" {}\n')
    (root / "link.tf").symlink_to(outside)
    (root / "zero.tf").symlink_to("/dev/zero")
    inventory = read_inventory(root)
    items = by_address(inventory)
    assert "aws_sqs_queue.q" in items and "aws_s3_bucket.x" not in items
    assert "cycle" in items["module.self"].message
    unparsed = {i.file: i.message for i in inventory.items if i.kind == "unparsed"}
    assert "outside" in unparsed["link.tf"] and "outside" in unparsed["zero.tf"]


def test_there_is_no_file_cap_and_progress_is_reported(tmp_path: Path) -> None:
    for n in range(600):
        (tmp_path / f"q{n:03}.tf").write_text(f'resource "aws_sqs_queue" "q{n}" {{}}\n')
    calls: list[tuple[int, int]] = []
    inventory = read_inventory(tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert inventory.files == 600 and len(inventory.items) == 600
    assert calls[-1] == (600, 600)


def test_a_single_file_and_text_from_stdin(tmp_path: Path) -> None:
    single = read_inventory(TF / "traps" / "leading_dot.tf")
    assert [i.address for i in single.items] == ["aws_lambda_function.chained", "aws_iam_role.exec"]
    text = inventory_from_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    assert [(i.address, i.file, i.line) for i in text.items] == [("aws_sqs_queue.q", "<stdin>", 1)]


def test_a_path_without_terraform_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InventoryInputError, match="no such file"):
        read_inventory(tmp_path / "missing")
    (tmp_path / "README.md").write_text("# nothing here\n")
    with pytest.raises(InventoryInputError, match=r"no \.tf"):
        read_inventory(tmp_path)


def test_special_files_do_not_block_or_abort(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.tf")  # reading it would block forever
    (tmp_path / "ok.tf").write_text('resource "aws_sqs_queue" "q" {}\n')
    inventory = read_inventory(tmp_path)
    assert sorted((i.kind, i.file, i.message) for i in inventory.items) == [
        ("resource", "ok.tf", ""),
        ("unparsed", "pipe.tf", "not a regular file"),
    ]


def test_unquoted_labels_of_old_terraform() -> None:
    parsed = parse_hcl(b'resource aws_sqs_queue legacy {\n  name = "q"\n}\n')
    assert parsed.blocks[0].labels == ("aws_sqs_queue", "legacy") and not parsed.problems


def test_detail_limits_attributes_to_the_types_rules_read() -> None:
    inventory = read_inventory(TF / "modules-tree", detail=frozenset({"aws_db_instance"}))
    items = by_address(inventory)
    assert items["module.network.module.db.aws_db_instance.main"].attributes["engine"] == "postgres"
    assert items["module.network.aws_subnet.private"].attributes == {"count": "2"}
    assert items["module.network.aws_security_group.web"].attributes == {}
    assert items["module.cluster"].attributes["source"] == "terraform-aws-modules/eks/aws"
    # references are kept whatever the detail
    assert items["module.network.aws_subnet.private"].refs == ["module.network.aws_vpc.this"]


def test_a_called_folder_is_read_through_its_caller_whatever_the_order(tmp_path: Path) -> None:
    (tmp_path / "a-module").mkdir()
    (tmp_path / "a-module" / "main.tf").write_text('resource "aws_sqs_queue" "q" {}\n')
    (tmp_path / "a-module" / "bad.tf").write_text("}}}\n")
    (tmp_path / "z-root").mkdir()
    (tmp_path / "z-root" / "main.tf").write_text('module "x" {\n  source = "../a-module"\n}\n')
    inventory = read_inventory(tmp_path)
    assert [(i.kind, i.address, i.module) for i in inventory.items] == [
        ("unparsed", "a-module/bad.tf:1", "module.x"),
        ("resource", "module.x.aws_sqs_queue.q", "module.x"),
    ]
    assert inventory.files == 3


def test_a_template_keeps_its_literal_head_for_prefix_rules(tmp_path: Path) -> None:
    text = b"""
provider "azurerm" {
  location = "${var.prefix}-west"
}
resource "azapi_update_resource" "post" {
  type     = "Microsoft.ContainerService/managedClusters@${local.api_version}"
  location = "west${var.suffix}"
  name     = "${var.name}-aks"
}
"""
    (block,) = [b for b in parse_hcl(text).blocks if b.kind == "resource"]
    assert block.attributes["type"] == "Microsoft.ContainerService/managedClusters@${…}"
    assert "name" not in block.attributes  # no literal head: nothing kept
    (tmp_path / "main.tf").write_bytes(text)
    assert read_inventory(tmp_path).regions == []  # a partial place is not a region


def test_an_attribute_set_from_a_variable_takes_its_literal_default(tmp_path: Path) -> None:
    """Azure Verified Modules pass azapi types as variables with defaults: the module as
    shipped deploys the default."""
    module = tmp_path / "modules" / "queue"
    module.mkdir(parents=True)
    (module / "variables.tf").write_text(
        'variable "resource_type" {\n  type    = string\n'
        '  default = "Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01"\n}\n'
        'variable "required" {\n  type = string\n}\n'
    )
    (module / "main.tf").write_text(
        'resource "azapi_resource" "this" {\n  type = var.resource_type\n  name = var.required\n}\n'
    )
    (tmp_path / "main.tf").write_text('module "queue" {\n  source = "./modules/queue"\n}\n')
    (item,) = [i for i in read_inventory(tmp_path).items if i.kind == "resource"]
    assert item.attributes["type"].startswith("Microsoft.Storage/storageAccounts/queueServices/")
    assert item.attributes["name"] == "${var.required}"  # no default: left as the reference
