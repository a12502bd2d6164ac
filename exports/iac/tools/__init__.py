"""Per-tool context builders for the IaC renderer."""
