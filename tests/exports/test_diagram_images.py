"""PNG, SVG and PDF rendered with the diagrams package and real Graphviz."""

from __future__ import annotations

import re
import shutil
import struct
import xml.etree.ElementTree as ET

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.exports.diagram import render_diagram

from tests.exports.pngdiff import difference
from tests.exports.test_diagram import GOLDEN, UPDATE, architecture, expected_nodes

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
    assert expected_nodes(arch) - {"_legend"} <= titles
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


GOLDEN_IMAGES = [
    ("serverless-rest-api", "aws", "serverless,eu"),
    ("dr-warm-standby", "gcp", "eu,dr"),
]
TOLERANCE = 0.03
"""Share of pixels that may differ: Graphviz/cairo/font versions move anti-aliasing a little."""


@pytest.mark.parametrize(("blueprint", "provider", "needs"), GOLDEN_IMAGES)
def test_png_matches_the_golden_picture(
    kb: KnowledgeBase, blueprint: str, provider: str, needs: str
) -> None:
    """A low-resolution render against the reviewed picture in tests/golden/diagram/."""
    data = render_diagram(architecture(kb, blueprint, provider, needs), "png", dpi=36)
    golden = GOLDEN / f"{blueprint}-{provider}.png"
    if UPDATE:
        golden.write_bytes(data)
    assert golden.exists(), f"missing {golden}; run with ARCHKB_UPDATE_GOLDEN=1"
    share = difference(data, golden.read_bytes())
    assert share <= TOLERANCE, f"{share:.1%} of pixels differ from {golden.name}"


def test_png_comparison_notices_a_different_picture(kb: KnowledgeBase) -> None:
    one = render_diagram(
        architecture(kb, "serverless-rest-api", "aws", "serverless,eu"), "png", dpi=36
    )
    other = render_diagram(
        architecture(kb, "serverless-rest-api", "gcp", "serverless,eu"), "png", dpi=36
    )
    assert difference(one, one) == 0
    assert difference(one, other) > TOLERANCE


def test_jpg_is_a_jpeg(kb: KnowledgeBase) -> None:
    data = render_diagram(architecture(kb, "serverless-rest-api", "aws"), "jpg", dpi=36)
    assert data[:3] == b"\xff\xd8\xff"
