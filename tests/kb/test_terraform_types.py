"""Every Terraform type the KB names is a real resource type of the pinned providers
(`build/tfschema`, found through ARCHKB_TFSCHEMA_DIR), so reading existing code and the
coverage figure rest on types Terraform knows."""

from __future__ import annotations

import json
import os
from pathlib import Path

from archkb.engine.kb import KnowledgeBase

REPO = Path(__file__).resolve().parents[2]

GOOGLE_BETA_ONLY = frozenset(
    {
        "google_compute_machine_image",
        "google_dataform_repository_release_config",
        "google_dataform_repository_workflow_config",
        "google_privileged_access_manager_settings",
        "google_project_service_identity",
        "google_service_usage_consumer_quota_override",
        "google_vertex_ai_metadata_store",
    }
)
"""Types only the google-beta provider has (each one's registry page says so); the pinned
schema is the google provider's."""


def _pinned_types() -> set[str]:
    folder = Path(os.environ.get("ARCHKB_TFSCHEMA_DIR", REPO / "build" / "tfschema"))
    files = sorted(folder.glob("*.json"))
    assert len(files) >= 3, f"provider schemas missing in {folder}: run `make tfschema`"
    known: set[str] = set()
    for file in files:
        known |= set(json.loads(file.read_text())["resources"])
    return known


def test_kb_terraform_types_exist_in_the_pinned_providers(kb: KnowledgeBase) -> None:
    known = _pinned_types()
    assert len(known) > 3000
    named = {
        (service.id, resource_type)
        for service in kb.services.values()
        for resource_type in (
            *service.iac.terraform,
            *(r.type for r in service.iac.when if not r.type.startswith("azapi_")),
        )
    }
    unknown = sorted((sid, t) for sid, t in named if t not in known and t not in GOOGLE_BETA_ONLY)
    assert unknown == []
    # the exceptions stay exceptions: none of them is in the pinned google provider
    assert not GOOGLE_BETA_ONLY & known
