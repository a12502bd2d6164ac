"""archkb: an architecture knowledge graph and decision assistant for AWS, Azure and GCP."""

__version__ = "0.1.0"
