"""Paths, fixed dates and small writers shared by every builder of the sample corpus.

Everything here serves determinism and the metadata convention: the corpus root and its site/type
layout, the fixed timestamp stamped into generated files, ``normalize_zip`` (python-docx and openpyxl
write the current time into their zip containers, which would make every rebuild differ), the
``.meta.yaml`` sidecar writer with its conventional key order, and the loader for the YAML data files
in ``data/`` that hold the documents' content.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SD = ROOT / "sample_docs"
DATA = Path(__file__).resolve().parent / "data"
SITES = ("all", "brookfield", "calder", "dunmore")
DOC_TYPES = ("sop", "manual", "incident", "work_order")
FIXED_DATETIME = dt.datetime(2025, 11, 15, 8, 0, 0)
ZIP_DATE = (2025, 11, 15, 8, 0, 0)
GENERATOR = "scripts/build_sample_docs.py"
AUTHOR = "Halden Industries (fictional sample)"

DEFAULT_AUDIENCE = {
    "sop": ["operator", "technician", "quality", "admin"],
    "manual": ["operator", "technician", "quality", "admin"],
    "incident": ["technician", "quality", "admin"],
    "work_order": ["technician", "quality", "admin"],
}


def load_data(name: str) -> Any:
    """Load ``data/<name>`` (YAML) as plain Python lists, dicts and strings."""
    import yaml

    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _yaml_str(value: str) -> str:
    if re.search(r"[:#\[\]{},&*!|>'\"%@`]", value) or value.strip() != value:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def write_meta(path: Path, meta: dict) -> None:
    """Write ``<file>.meta.yaml`` next to ``path`` with keys in the conventional order."""
    lines = [
        f"doc_id: {meta['doc_id']}",
        f"title: {_yaml_str(meta['title'])}",
        f'revision: "{meta["revision"]}"',
        f"effective_date: {meta['effective_date']}",
    ]
    if "assets" in meta:
        lines.append("assets: [" + ", ".join(meta["assets"]) + "]")
    if "equipment_models" in meta:
        pairs = ", ".join(f"{tag}: {model}" for tag, model in meta["equipment_models"].items())
        lines.append("equipment_models: {" + pairs + "}")
    if "audience" in meta:
        lines.append("audience: [" + ", ".join(meta["audience"]) + "]")
    Path(str(path) + ".meta.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


_CORE_TIME_RE = re.compile(
    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def normalize_zip(path: Path) -> None:
    """Rewrite a .docx/.xlsx zip with fixed entry timestamps and fixed core.xml dates."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = _CORE_TIME_RE.sub(r"\g<1>2025-11-15T08:00:00Z\g<2>", text)
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)
    path.write_bytes(buf.getvalue())
