"""CMMS work-order exports of the sample corpus: two CSV files (Brookfield, Dunmore) and one XLSX (Calder).

Each site's export merges the plant-specific rows and recurring preventive-maintenance rows of
``data/work_orders.yaml`` with a fixed number of MaintIE texts (see ``maintie``), sorted by date and
numbered ``WO-<site>-25NNNN``. The exports give the corpus tabular documents with realistic noise,
and their WO numbers are what the shift-handover e-mail and the golden questions refer to. The XLSX
zip container is normalised so that a rebuild is byte-identical.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from .common import FIXED_DATETIME, GENERATOR, SD, load_data, normalize_zip, write_meta
from .maintie import ACTIONS, SITE_TAGS, maintie_candidates, split_maintie

WO_COLUMNS = ["wo_id", "asset", "date", "symptom", "action", "failure_mode", "status"]


def _cycle(value: str | list[str], i: int) -> str:
    return value if isinstance(value, str) else value[i % len(value)]


def site_rows(export: dict) -> list[list[str]]:
    """Rows ``[date, asset, symptom, action, failure_mode, status]``: plant rows, then recurring PM."""
    rows = list(export["rows"])
    for rec in export["recurring"]:
        for i, day in enumerate(rec["dates"]):
            rows.append(
                [
                    day,
                    _cycle(rec["asset"], i),
                    rec["symptom"],
                    _cycle(rec["action"], i),
                    rec["failure_mode"],
                    rec["status"],
                ]
            )
    return rows


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def build_work_orders(
    site: str, prefix: str, plant_rows: list, maintie: list, n_maintie: int
) -> list[list[str]]:
    """Merge plant rows and MaintIE rows into one date-ordered export with sequential WO ids."""
    rows = [(r[0], 0, i, list(r[1:])) for i, r in enumerate(plant_rows)]
    if len(maintie) < n_maintie:
        raise ValueError(f"{site}: only {len(maintie)} MaintIE rows available, {n_maintie} wanted")
    picked = maintie[:n_maintie]
    tags = SITE_TAGS[site]
    counters: dict[str, int] = {}
    start = dt.date(2025, 1, 6)
    for i, (text, group, mode) in enumerate(picked):
        day = _weekday(start + dt.timedelta(days=round(i * 300 / max(1, n_maintie))))
        k = counters.get(group, 0)
        counters[group] = k + 1
        asset = tags[group][k % len(tags[group])]
        actions = ACTIONS[mode]
        status = "CLOSED" if day < dt.date(2025, 10, 20) else "OPEN"
        rows.append((day.isoformat(), 1, i, [asset, text, actions[i % len(actions)], mode, status]))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    out = []
    for seq, (day, _src, _i, (asset, symptom, action, mode, status)) in enumerate(rows, 1):
        out.append([f"WO-{prefix}-25{1000 + seq:04d}", asset, day, symptom, action, mode, status])
    return out


def write_csv(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(WO_COLUMNS)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_xlsx(path: Path, rows: list[list[str]], sheet: str) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(WO_COLUMNS)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for col, width in zip("ABCDEFG", (15, 11, 11, 52, 70, 17, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    wb.properties.creator = "Halden CMMS export (fictional sample)"
    wb.properties.lastModifiedBy = GENERATOR
    wb.properties.title = "Calder work orders 2025"
    wb.properties.created = FIXED_DATETIME
    wb.properties.modified = FIXED_DATETIME
    wb.save(str(path))
    normalize_zip(path)


def build_exports(maintie_path: Path) -> dict[str, list[list[str]]]:
    """Build the three exports and their sidecars; returns each site's rows (as written)."""
    spec = load_data("work_orders.yaml")
    maintie = split_maintie(maintie_candidates(maintie_path))
    out = {}
    for site, export in spec["exports"].items():
        rows = build_work_orders(
            site, export["prefix"], site_rows(export), maintie[site], export["n_maintie"]
        )
        path = SD / export["file"]
        if path.suffix == ".xlsx":
            write_xlsx(path, rows, "WorkOrders")
        else:
            write_csv(path, rows)
        meta = {
            "doc_id": export["doc_id"],
            "title": export["title"],
            "revision": spec["revision"],
            "effective_date": spec["effective_date"],
            "assets": sorted({r[1] for r in rows}),
        }
        write_meta(path, meta)
        out[site] = rows
    return out
