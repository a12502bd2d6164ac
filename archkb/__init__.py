"""archkb: an architecture knowledge graph and decision assistant for AWS, Azure and GCP."""

from archkb.engine.version import VERSION as __version__

__all__ = ["__version__"]
