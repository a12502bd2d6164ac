"""Reading existing Terraform into an inventory: files → blocks → resources with their owners."""

from __future__ import annotations

from .inventory import (
    Inventory,
    InventoryInputError,
    InventoryItem,
    inventory_from_text,
    read_inventory,
)

__all__ = [
    "Inventory",
    "InventoryInputError",
    "InventoryItem",
    "inventory_from_text",
    "read_inventory",
]
