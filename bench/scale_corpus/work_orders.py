"""Years of CMMS work-order exports per site: one CSV (or XLSX at Calder) per year.

Rows have the sample exports' columns. Symptoms are MaintIE lines or composed
``component state`` lines in the same terse style, sometimes with the asset tag and a place or
circumstance; actions are activity + component + outcome; about one row in forty names a sample
asset so the golden questions about FILLER-2 or IMM-4 meet old records of the same machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

from bench.scale_corpus.common import (
    FIXED_DATETIME,
    PREFIX,
    SAMPLE_ASSETS,
    YEARS,
    Plan,
    folder,
    normalize_zip,
    site_assets,
    write_sidecar,
)
from bench.scale_corpus.phrases import Phrases, failure_mode

COLUMNS = ["wo_id", "asset", "date", "symptom", "action", "failure_mode", "status", "priority"]
# fmt: off
_WHERE = [
    "at infeed", "at discharge", "on start-up", "after restart", "during CIP", "on night shift",
    "again", "intermittently", "drive side", "non-drive side", "line stopped", "running slow",
    "since last PM", "after mould change", "after product change", "under load", "when cold",
]
_PM = [
    "weekly PM: lubricate {c}", "monthly PM: inspect {c}", "6-monthly PM: replace {c}",
    "PM vibration survey, {c} checked", "annual PM: overhaul {c}", "PM: check {c} and tension",
    "calibrate {c}", "statutory inspection, {c}", "oil sample from {c}", "thermography of {c}",
]
_OUTCOMES = [
    "tested OK", "returned to service", "function tested OK", "no fault found on test",
    "ran for 30 min, OK", "monitor next shift", "parts on order, temporary repair done",
    "checked by shift technician, OK", "production informed, OK to run", "leak checked OK",
]
_PRIORITIES = ["P1", "P2", "P2", "P3", "P3", "P3", "P4"]
# fmt: on


def _symptom(rng: random.Random, phrases: Phrases, tag: str) -> str:
    roll = rng.random()
    if roll < 0.45:
        text = rng.choice(phrases.symptoms)
    elif roll < 0.85:
        text = f"{rng.choice(phrases.components)} {rng.choice(phrases.states)}"
        if rng.random() < 0.5:
            text += f" {rng.choice(_WHERE)}"
    else:
        return rng.choice(_PM).format(c=rng.choice(phrases.components))
    return f"{tag} {text}" if rng.random() < 0.3 else text


def _action(rng: random.Random, phrases: Phrases) -> str:
    part = rng.choice(phrases.components)
    return f"{rng.choice(phrases.activities)} {part}, {rng.choice(_OUTCOMES)}"


def _date(rng: random.Random, year: int) -> dt.date:
    """A day of ``year``, nine in ten on a weekday."""
    day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    if day.weekday() >= 5 and rng.random() < 0.9:
        day += dt.timedelta(days=7 - day.weekday()) if day.month < 12 else -dt.timedelta(days=2)
    return day


def site_rows(plan: Plan, phrases: Phrases, site: str, year: int, n: int) -> list[list[str]]:
    """``n`` rows of one site and year, date-ordered, numbered ``WO-<PFX>-<yy><nnnnn>``."""
    rng = plan.rng("wo", site, year)
    tags = [a.tag for a in site_assets(site)]
    drafts = []
    for _ in range(n):
        tag = rng.choice(SAMPLE_ASSETS[site]) if rng.random() < 0.025 else rng.choice(tags)
        symptom = _symptom(rng, phrases, tag)
        day = _date(rng, year)
        status = (
            "OPEN" if year == YEARS[-1] and day.month == 12 and rng.random() < 0.5 else "CLOSED"
        )
        drafts.append(
            (
                day,
                tag,
                symptom,
                _action(rng, phrases),
                failure_mode(symptom),
                status,
                rng.choice(_PRIORITIES),
            )
        )
    drafts.sort(key=lambda r: r[0])
    pfx = PREFIX[site]
    return [
        [f"WO-{pfx}-{year % 100:02d}{seq:05d}", tag, day.isoformat(), s, a, m, st, p]
        for seq, (day, tag, s, a, m, st, p) in enumerate(drafts, 1)
    ]


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _write_xlsx(path: Path, rows: list[list[str]]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("WorkOrders")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    book.properties.creator = "Plant Copilot scale corpus (synthetic)"
    book.properties.created = FIXED_DATETIME
    book.properties.modified = FIXED_DATETIME
    book.save(str(path))
    normalize_zip(path)


def build_work_orders(root: Path, plan: Plan, phrases: Phrases, site: str) -> tuple[int, int]:
    """Every yearly export of ``site`` with its sidecar; returns (files, rows)."""
    out = folder(root, site, "work_order")
    per_year = -(-plan.wo_rows_per_site // len(YEARS))
    rows_total = 0
    for year in YEARS:
        rows = site_rows(plan, phrases, site, year, per_year)
        suffix = ".xlsx" if site == "calder" else ".csv"
        path = out / f"{PREFIX[site].lower()}-cmms-history-{year}{suffix}"
        (_write_xlsx if suffix == ".xlsx" else _write_csv)(path, rows)
        meta = {
            "doc_id": f"{PREFIX[site]}-CMMS-{year}",
            "title": f"{site.capitalize()} CMMS work-order export {year}",
            "revision": "1",
            "effective_date": f"{year + 1}-01-05",
            "assets": sorted({r[1] for r in rows}),
        }
        write_sidecar(path, meta)
        rows_total += len(rows)
    return len(YEARS), rows_total
