"""SOPs and incident reports (Markdown, front matter) and thousands of small near-miss and
shift-note files (.txt, some with sidecars), per site.

About a quarter of the SOPs and a fifth of the incidents have two or three revisions, written as
``-revN`` files of one doc id, so the older ones are superseded. The small files make the tree
large (10,000+ files at scale 1), which is what "change one file out of 10,000" needs. Doc ids
never collide with the sample corpus: SOP numbers start at 100, incidents are dated 2019-2024.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from bench.scale_corpus.common import (
    PREFIX,
    YEARS,
    Asset,
    Plan,
    folder,
    site_assets,
    write_front_matter,
    write_sidecar,
)
from bench.scale_corpus.phrases import Phrases

# fmt: off
_TASKS = [
    "Changing the {c} on {tag}", "Daily start-up checks of {tag}", "Cleaning the {c} of {tag}",
    "Clearing a blockage at the {c} of {tag}", "Isolating {tag} for work on the {c}",
    "Adjusting the {c} on {tag}", "Format change on {tag}", "Shutdown and restart of {tag}",
    "Inspecting the {c} of {tag}", "Handling a {c} alarm on {tag}",
]
_STEPS = [
    "Check the {c} on {tag} and note the reading.", "Confirm the {c} is free of damage and leaks.",
    "Isolate {tag} at its main isolator and apply your personal lock.", "Set the {c} to {v}.",
    "Confirm that the HMI of {tag} shows no active alarm.", "Clean the {c} with the approved cleaning agent.",
    "Tighten the fixing screws of the {c} to {v}.", "Stop {tag} and wait until the {c} is stationary.",
    "Record the result on the {c} check sheet.", "Remove the {c} and inspect it for wear.",
    "Fit the new {c} and check its alignment.", "Vent the {c} until the gauge reads 0 bar.",
    "Open guard door G{g} of {tag} and check the {c}.", "Run {tag} at jog speed and watch the {c}.",
]
_INCIDENT_KINDS = ["Equipment failure", "Near miss", "Minor injury", "Quality deviation", "Environmental release", "Production loss"]
_NOTE_OBSERVATIONS = [
    "{c} on {tag} {s}", "found {c} {s} on {tag} during round", "{tag} stopped, {c} {s}",
    "operator reported {c} {s} at {tag}", "{tag} {c} {s}, WO raised", "{c} {s} near {tag}, area coned off",
]
# fmt: on


def _value(rng: random.Random) -> str:
    return rng.choice([f"{rng.randint(2, 120)} Nm", f"{rng.randint(1, 9)}.{rng.randint(0, 9)} bar",
                       f"{rng.randint(20, 250)} °C", f"{rng.randint(1, 40)} mm"])  # fmt: skip


def _steps(rng: random.Random, asset: Asset, phrases: Phrases, n: int) -> list[str]:
    out = []
    for i in range(1, n + 1):
        step = rng.choice(_STEPS).format(
            c=rng.choice(phrases.components), tag=asset.tag, v=_value(rng), g=rng.randint(1, 9)
        )
        out.append(f"{i}. {step}")
    return out


def _sop_body(
    rng: random.Random, doc_id: str, title: str, rev: int, asset: Asset, phrases: Phrases
) -> str:
    comps = rng.sample(phrases.components, 3)
    history = "\n".join(
        f"- Rev {r} ({YEARS[0] + r}-0{r % 9 + 1}-01): {rng.choice(['steps reordered', 'PPE updated', 'values changed after trial', 'lockout step added', 'new tooling'])}."
        for r in range(rev, 0, -1)
    )  # fmt: skip
    return (
        f"# {doc_id} {title}\n\nRevision {rev}. Owner: {asset.kind} area supervisor.\n\n"
        f"## Revision history\n\n{history}\n\n## Purpose\n\nTo work safely on the {comps[0]} of "
        f"{asset.tag} ({asset.kind}) and return it to production without damage to the {comps[1]}.\n\n"
        f"## PPE\n\n- Safety glasses, safety shoes, gloves suited to {comps[2]} work.\n\n"
        f"## Procedure\n\n" + "\n".join(_steps(rng, asset, phrases, rng.randint(6, 13))) + "\n\n"
        f"WARNING: Never work on the {comps[0]} of {asset.tag} without a lockout.\n\n"
        f"## Records\n\nRecord the {comps[1]} reading of {asset.tag} on the area check sheet.\n"
    )


def build_sops(root: Path, plan: Plan, phrases: Phrases, site: str) -> tuple[int, int]:
    """SOPs of ``site`` (some with 2-3 revisions); returns (files, doc ids)."""
    rng, out, files = plan.rng("sop", site), folder(root, site, "sop"), 0
    assets = site_assets(site)
    for n in range(plan.sops_per_site):
        asset = rng.choice(assets)
        title = rng.choice(_TASKS).format(c=rng.choice(phrases.components), tag=asset.tag)
        doc_id = f"{PREFIX[site]}-SOP-{100 + n}"
        last = rng.choices([1, 2, 3], weights=[75, 18, 7])[0]
        for rev in range(1, last + 1):
            meta = {"doc_id": doc_id, "title": title, "revision": str(rev),
                    "effective_date": f"{YEARS[0] + rev}-03-01", "assets": [asset.tag]}  # fmt: skip
            body = _sop_body(plan.rng("sop", site, n, rev), doc_id, title, rev, asset, phrases)
            write_front_matter(out / f"{doc_id.lower()}-rev{rev}.md", meta, body)
            files += 1
    return files, plan.sops_per_site


def _incident_body(
    rng: random.Random, doc_id: str, title: str, asset: Asset, phrases: Phrases, closed: bool
) -> str:
    comps = rng.sample(phrases.components, 3)
    causes = "\n".join(f"- {rng.choice(phrases.symptoms)}." for _ in range(rng.randint(2, 4)))
    capa = "\n".join(f"CAPA-{rng.randint(2019, 2024)}-{rng.randint(1, 199):03d}  {rng.choice(phrases.activities)} {rng.choice(phrases.components)} on all {asset.kind}s." for _ in range(2))  # fmt: skip
    body = (
        f"# {doc_id} {title}\n\n## Description\n\nDuring {rng.choice(['A', 'B', 'C'])} shift the "
        f"{comps[0]} of {asset.tag} {rng.choice(phrases.states)}. The {comps[1]} was found "
        f"{rng.choice(phrases.states)} and the line was stopped for {rng.randint(1, 12)} hours.\n\n"
        f"## Immediate actions\n\n"
        + "\n".join(_steps(rng, asset, phrases, rng.randint(3, 6)))
        + "\n"
    )
    if closed:
        body += f"\n## Root cause\n\n{causes}\n\n## Corrective and preventive actions\n\n{capa}\n"
    return body


def build_incidents(root: Path, plan: Plan, phrases: Phrases, site: str) -> tuple[int, int]:
    """Incident reports of ``site``; a fifth have an initial and a closed revision."""
    rng, out, files = plan.rng("incident", site), folder(root, site, "incident"), 0
    assets = site_assets(site)
    for n in range(plan.incidents_per_site):
        asset, year = rng.choice(assets), YEARS[n % len(YEARS)]
        title = f"{rng.choice(_INCIDENT_KINDS)}: {rng.choice(phrases.components)} on {asset.tag}"
        doc_id = f"{PREFIX[site]}-INC-{year}-{100 + n:03d}"
        revisions = 2 if rng.random() < 0.2 else 1
        for rev in range(1, revisions + 1):
            day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(300) + 30 * rev)
            meta = {"doc_id": doc_id, "title": title, "revision": str(rev), "effective_date": day.isoformat(), "assets": [asset.tag]}  # fmt: skip
            body = _incident_body(
                plan.rng("inc", site, n, rev), doc_id, title, asset, phrases, rev == revisions
            )
            write_front_matter(out / f"{doc_id.lower()}-rev{rev}.md", meta, body)
            files += 1
    return files, plan.incidents_per_site


def _note(
    rng: random.Random, site: str, day: dt.date, assets: list[Asset], phrases: Phrases
) -> str:
    lines = [
        f"HALDEN INDUSTRIES - {site.upper()}",
        f"SHIFT NOTE {day.isoformat()} {rng.choice(['DAYS', 'NIGHTS', 'LATES'])}",
        "",
    ]
    for _ in range(rng.randint(2, 6)):
        asset = rng.choice(assets)
        obs = rng.choice(_NOTE_OBSERVATIONS).format(
            c=rng.choice(phrases.components), tag=asset.tag, s=rng.choice(phrases.states)
        )
        lines.append(f"- {obs}")
    lines += ["", f"Reported by: shift lead {rng.choice('ABCDEFGHJK')}. {rng.choice(['No injuries.', 'Area made safe.', 'Handed over to days.'])}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def build_notes(root: Path, plan: Plan, phrases: Phrases, site: str) -> tuple[int, int]:
    """Small .txt near-miss reports and shift notes; half carry a sidecar. Returns (files, docs)."""
    rng, out, files = plan.rng("notes", site), folder(root, site, "incident"), 0
    assets = site_assets(site)
    for n in range(plan.notes_per_site):
        day = dt.date(YEARS[0], 1, 1) + dt.timedelta(
            days=n * (len(YEARS) * 365) // plan.notes_per_site
        )
        kind = "nm" if n % 2 else "shift"
        path = out / f"{PREFIX[site].lower()}-{kind}-{day.isoformat()}-{n:05d}.txt"
        path.write_text(_note(rng, site, day, assets, phrases), encoding="utf-8")
        files += 1
        if kind == "nm":
            meta = {"doc_id": f"{PREFIX[site]}-NM-{n:05d}", "title": f"Near-miss report {site} {day.isoformat()}",
                    "revision": "1", "effective_date": day.isoformat()}  # fmt: skip
            write_sidecar(path, meta)
            files += 1
    return files, plan.notes_per_site
