"""Sizes, sites, asset tags and small writers shared by the scale-corpus builders.

Everything is derived from one ``Plan`` (scale factor and seed) so a corpus is reproducible:
the same plan writes the same files. Asset tags are the sites' own generated equipment (numbers
chosen not to collide with the sample corpus), plus the sample assets that some records name so
the golden questions meet realistic look-alikes.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

FIXED_DATETIME = dt.datetime(2025, 1, 6, 8, 0, 0)
SITES = ("brookfield", "calder", "dunmore")
PREFIX = {"all": "ALL", "brookfield": "BRK", "calder": "CAL", "dunmore": "DUN"}
YEARS = (2019, 2020, 2021, 2022, 2023, 2024)

# Equipment families per site: (tag family, first number, count, description).
FAMILIES: dict[str, list[tuple[str, int, int, str]]] = {
    "brookfield": [
        ("FILLER", 5, 6, "rotary filler"),
        ("CAPPER", 3, 6, "screw capper"),
        ("LABELLER", 4, 5, "roll-fed labeller"),
        ("BLOW", 1, 4, "stretch blow moulder"),
        ("CONV", 10, 40, "bottle conveyor"),
        ("CASEPK", 1, 4, "case packer"),
        ("WRAP", 1, 3, "stretch wrapper"),
        ("PAL", 3, 3, "palletiser"),
        ("MIX", 1, 4, "syrup mixer"),
        ("PUMP", 10, 12, "product pump"),
        ("COMP", 2, 3, "air compressor"),
        ("HVAC", 2, 4, "air handling unit"),
        ("FLT", 4, 6, "forklift truck"),
    ],
    "calder": [
        ("IMM", 10, 16, "injection moulding machine"),
        ("EXT", 5, 5, "single-screw extruder"),
        ("ROB", 5, 10, "take-out robot"),
        ("DRY", 3, 6, "desiccant dryer"),
        ("CHL", 3, 4, "process chiller"),
        ("GRAN", 3, 4, "granulator"),
        ("TCU", 1, 12, "mould temperature controller"),
        ("CONV", 10, 14, "belt conveyor"),
        ("COMP", 2, 3, "air compressor"),
        ("HVAC", 2, 3, "air handling unit"),
        ("FLT", 2, 5, "forklift truck"),
    ],
    "dunmore": [
        ("R", 110, 8, "jacketed reactor"),
        ("T", 210, 20, "storage tank"),
        ("P", 310, 30, "centrifugal pump"),
        ("AG", 1, 8, "agitator"),
        ("HX", 2, 8, "plate heat exchanger"),
        ("BLR", 2, 2, "steam boiler"),
        ("SCR", 2, 3, "fume scrubber"),
        ("V", 400, 30, "control valve"),
        ("CT", 1, 3, "cooling tower"),
        ("COMP", 2, 3, "air compressor"),
        ("HVAC", 2, 3, "air handling unit"),
        ("FLT", 2, 4, "forklift truck"),
    ],
}
SAMPLE_ASSETS = {
    "brookfield": ["FILLER-1", "FILLER-2", "CAPPER-1", "LABELLER-2", "CONV-3", "PAL-1", "CIP-1"],
    "calder": ["IMM-2", "IMM-4", "EXT-2", "ROB-3", "DRY-1", "GRAN-1", "CHL-1"],
    "dunmore": ["R-101", "R-102", "P-302", "T-201", "SCR-1", "BLR-1"],
}


class Plan(BaseModel):
    """How much to generate; every count scales linearly with ``scale`` (with small floors)."""

    model_config = ConfigDict(frozen=True)

    scale: float = 1.0
    seed: int = 13

    def count(self, full: int, floor: int = 1) -> int:
        """``full`` at scale 1, at least ``floor``."""
        return max(floor, round(full * self.scale))

    @property
    def wo_rows_per_site(self) -> int:
        return self.count(21_000, 30)

    @property
    def manuals(self) -> int:
        return self.count(11, 1)

    @property
    def manual_pages(self) -> int:
        return self.count(160, 6)

    @property
    def sops_per_site(self) -> int:
        return self.count(110, 3)

    @property
    def incidents_per_site(self) -> int:
        return self.count(60, 2)

    @property
    def notes_per_site(self) -> int:
        """Near-miss reports and shift notes (small .txt files) per site."""
        return self.count(2_700, 6)

    def rng(self, *labels: object) -> random.Random:
        """An independent generator per builder, so one builder's changes leave others alone."""
        return random.Random(f"{self.seed}:" + ":".join(str(x) for x in labels))


class Asset(BaseModel):
    """One generated piece of equipment."""

    model_config = ConfigDict(frozen=True)

    tag: str
    family: str
    kind: str


def site_assets(site: str) -> list[Asset]:
    """The site's generated equipment, in a fixed order."""
    return [
        Asset(tag=f"{family}-{first + i}", family=family, kind=kind)
        for family, first, n, kind in FAMILIES[site]
        for i in range(n)
    ]


def _yaml_str(value: str) -> str:
    if re.search(r"[:#\[\]{},&*!|>'\"%@`]", value) or value.strip() != value:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def meta_yaml(meta: dict[str, Any]) -> str:
    """YAML of a metadata mapping in the conventional key order (sidecar or front matter)."""
    lines = [
        f"doc_id: {meta['doc_id']}",
        f"title: {_yaml_str(str(meta['title']))}",
        f'revision: "{meta["revision"]}"',
        f"effective_date: {meta['effective_date']}",
    ]
    if meta.get("assets"):
        lines.append("assets: [" + ", ".join(str(a) for a in meta["assets"]) + "]")
    if meta.get("audience"):
        lines.append("audience: [" + ", ".join(str(a) for a in meta["audience"]) + "]")
    return "\n".join(lines) + "\n"


def write_sidecar(path: Path, meta: dict[str, Any]) -> None:
    """``<file>.meta.yaml`` next to ``path``."""
    Path(f"{path}.meta.yaml").write_text(meta_yaml(meta), encoding="utf-8")


def write_front_matter(path: Path, meta: dict[str, Any], body: str) -> None:
    """A Markdown file with YAML front matter."""
    path.write_text(f"---\n{meta_yaml(meta)}---\n\n{body}", encoding="utf-8")


def folder(root: Path, site: str, doc_type: str) -> Path:
    """``<root>/<site>/<doc_type>/``, created."""
    path = root / site / doc_type
    path.mkdir(parents=True, exist_ok=True)
    return path


_CORE_TIME = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def normalize_zip(path: Path) -> None:
    """Rewrite an .xlsx zip with fixed entry and core-property times (byte-identical rebuilds)."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _CORE_TIME.sub(rb"\g<1>2025-01-06T08:00:00Z\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=FIXED_DATETIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)
    path.write_bytes(buf.getvalue())
