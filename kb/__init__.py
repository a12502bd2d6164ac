"""The built-in knowledge base: YAML data only (this file lets it ship as package data)."""
