"""PNG, SVG and PDF rendered with the diagrams package and real Graphviz."""

from __future__ import annotations

import re
import shutil
import struct
import xml.etree.ElementTree as ET

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.exports.diagram import render_diagram

from tests.exports.test_diagram import architecture, expected_nodes

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz `dot`")

BLUEPRINTS = [
    "serverless-rest-api",
    "serverless-containers-web-app",
    "three-tier-web-vms",
    "microservices-on-kubernetes",
    "hybrid-connectivity",
]
PROVIDERS = ["aws", "azure", "gcp"]
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_png_is_a_real_picture(kb: KnowledgeBase, blueprint: str, provider: str) -> None:
    data = render_diagram(architecture(kb, blueprint, provider), "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert width > 800 and height > 500  # readable on a slide, icons included
    assert len(data) > 50_000


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_svg_is_self_contained_with_every_component(
    kb: KnowledgeBase, blueprint: str, provider: str
) -> None:
    arch = architecture(kb, blueprint, provider)
    data = render_diagram(arch, "svg")
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    titles = {
        group.findtext(f"{SVG}title")
        for group in root.iter(f"{SVG}g")
        if group.get("class") == "node"
    }
    assert expected_nodes(arch) <= titles
    hrefs = [image.get(XLINK, "") for image in root.iter(f"{SVG}image")]
    assert hrefs and all(h.startswith("data:image/png;base64,") for h in hrefs)
    text = data.decode()
    assert not re.search(r'="/', text)  # no attribute holds an absolute path
    assert "site-packages" not in text and "file:" not in text


def test_pdf_renders(kb: KnowledgeBase) -> None:
    data = render_diagram(architecture(kb, "serverless-rest-api", "aws"), "pdf")
    assert data.startswith(b"%PDF-") and len(data) > 20_000


def test_images_are_deterministic_in_layout(kb: KnowledgeBase) -> None:
    arch = architecture(kb, "three-tier-web-vms", "gcp")
    assert render_diagram(arch, "svg") == render_diagram(arch, "svg")
