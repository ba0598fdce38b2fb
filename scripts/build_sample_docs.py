#!/usr/bin/env python3

"""Regenerate the generated files of the Plant Copilot sample corpus (``sample_docs/``).

Hand-written documents (.md, .txt, .html and their sidecars) are committed as they are. This script
(re)builds everything else from data written below, so a manual or a work-order export can be edited
here and rebuilt:

* 4 equipment manuals as multi-page PDFs (reportlab platypus, one section per page, spec tables);
* 1 SOP as .docx (python-docx: headings, numbered steps, tables);
* 3 CMMS work-order exports (2 x CSV, 1 x XLSX) mixing plant-specific rows written here with terse
  maintenance texts from the MaintIE gold set (MIT, Bikaun et al., LREC-COLING 2024, nlp-tlp/maintie);
* 1 shift-handover e-mail (.eml, RFC 822, plain text);
* the ``.meta.yaml`` sidecar of each generated file;
* the document table in ``sample_docs/README.md`` (between the ``BEGIN/END DOCUMENT TABLE`` markers),
  built from the metadata of every file, which also validates the layout and metadata convention.

Everything is deterministic: no randomness, fixed dates inside the files, reportlab ``invariant=1``,
and the zip containers of .docx/.xlsx are rewritten with fixed timestamps. Re-running the script on an
unchanged tree gives byte-identical files.

Usage::

    python scripts/build_sample_docs.py [--maintie PATH/TO/gold_release.json] [--check]

Needs reportlab, python-docx, openpyxl, pyyaml (the project's dev extras). The MaintIE file is looked up
at ``--maintie``, ``$MAINTIE_GOLD``, ``<repo>/../shared/datasets/maintie/gold_release.json`` or
``/work/shared/datasets/maintie/gold_release.json``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import re
import sys
import zipfile
from email import policy
from email.message import EmailMessage
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
SD = ROOT / "sample_docs"
SITES = ("all", "brookfield", "calder", "dunmore")
DOC_TYPES = ("sop", "manual", "incident", "work_order")
FIXED_DATETIME = dt.datetime(2025, 11, 15, 8, 0, 0)
ZIP_DATE = (2025, 11, 15, 8, 0, 0)

DEFAULT_AUDIENCE = {
    "sop": ["operator", "technician", "quality", "admin"],
    "manual": ["operator", "technician", "quality", "admin"],
    "incident": ["technician", "quality", "admin"],
    "work_order": ["technician", "quality", "admin"],
}


# --------------------------------------------------------------------------------------------
# Metadata sidecars
# --------------------------------------------------------------------------------------------


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
    if "audience" in meta:
        lines.append("audience: [" + ", ".join(meta["audience"]) + "]")
    Path(str(path) + ".meta.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Zip normalisation (docx/xlsx are zip files; python-docx and openpyxl stamp the current time)
# --------------------------------------------------------------------------------------------

_CORE_TIME_RE = re.compile(
    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def normalize_zip(path: Path) -> None:
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


# --------------------------------------------------------------------------------------------
# Equipment manuals (PDF). One section per page, so a page number is a meaningful citation.
# Blocks: str -> paragraph; ("table", [header, *rows]); ("steps", [..]) -> numbered list;
#         ("bullets", [..]).
# --------------------------------------------------------------------------------------------

# fmt: off
MANUALS = [
    {
        "path": "brookfield/manual/cf-900-filler-manual.pdf",
        "meta": {
            "doc_id": "BRK-MAN-CF900",
            "title": "CF-900 rotary filler operation and maintenance manual (FILLER-2)",
            "revision": "3",
            "effective_date": "2024-02-01",
            "assets": ["FILLER-2", "CONV-1", "CONV-2"],
        },
        "header": "Castell CF-900 Rotary Isobaric Filler - Operation and Maintenance Manual",
        "subtitle": "Installed as FILLER-2, Line 2, Halden Industries Brookfield. Serial CF9-2016-0412. "
        "Manual revision 3 (site copy). Sections 1 to 5 of the full manual, extract for operators and technicians.",
        "sections": [
            {
                "heading": "1 General description and technical data",
                "blocks": [
                    "The CF-900 is a rotary isobaric (counter-pressure) filler for carbonated and still beverages in PET "
                    "bottles. Bottles enter from the infeed conveyor CONV-1 through the infeed worm and infeed star wheel, "
                    "are lifted against the filling valves on the carousel, pressurised with CO2 from the ring bowl, filled "
                    "to the level set by the vent tube, snifted and released to the discharge star wheel onto CONV-2, "
                    "which feeds the capper CAPPER-1.",
                    "Fill level is set mechanically by the length of the vent tube in each filling valve. Changing the "
                    "bottle format therefore needs the matching vent tube set (see section 3).",
                    ("table", [
                        ["Item", "Value"],
                        ["Model", "CF-900-40"],
                        ["Number of filling valves", "40"],
                        ["Rated output, 500 mL PET", "24,000 bottles/h"],
                        ["Rated output, 600 mL PET", "21,000 bottles/h"],
                        ["Filling principle", "Isobaric, level filling by vent tube"],
                        ["Bowl pressure in production", "3.0 to 3.5 bar (CO2)"],
                        ["Bowl safety valve PSV-2B set pressure", "4.0 bar"],
                        ["CO2 supply pressure", "6 bar nominal, minimum 4.5 bar"],
                        ["Compressed air supply", "6 bar, dry, oil-free"],
                        ["Product temperature at filler", "4 to 8 °C"],
                        ["Fill level accuracy", "+/- 2 mL"],
                        ["Main drive motor", "15 kW, 400 V 50 Hz, inverter driven"],
                        ["Year of manufacture", "2016"],
                    ]),
                ],
            },
            {
                "heading": "2 Safety devices and energy isolation",
                "blocks": [
                    "The filler is enclosed by interlocked guard doors. Opening any guard door gives a controlled safety "
                    "stop (stop category 1); it does not isolate the machine. Guard door G3 covers the infeed worm and "
                    "infeed star wheel, G5 the transfer star wheel, and G7 the discharge star wheel.",
                    ("table", [
                        ["Energy", "Isolation point", "Stored energy / verification"],
                        ["Electrical 400 V", "Main isolator Q2-0 on panel FP-2", "Inverter DC bus: wait 2 minutes before opening FP-2"],
                        ["Compressed air 6 bar", "Lockable dump valve AV-2", "Gauge PG-2 reads 0.0 bar"],
                        ["CO2", "Ball valve CV-2", "Vent bowl with V-2V until PI-2 reads 0.0 bar"],
                        ["Product", "Product valve PV-2", "Drain product tank"],
                        ["CIP supply", "Swing bend SB-2 removed", "Proximity switch shows disconnected"],
                    ]),
                    "WARNING: The ring bowl holds CO2 at up to 3.5 bar in production. Never loosen a filling valve, vent "
                    "tube or bowl fitting until PI-2 reads 0.0 bar.",
                    "WARNING: Star wheels and the carousel can coast for up to 25 seconds after a stop at full speed. "
                    "Wait until all motion has stopped before opening a guard door.",
                    "CAUTION: Do not defeat guard door switches for fault finding. Use the jog mode with doors closed.",
                    "Emergency stop buttons are at the HMI, at each guard door and at the discharge. Resetting an "
                    "emergency stop requires the reset at the HMI and a restart at jog speed.",
                ],
            },
            {
                "heading": "3 Format parts, vent tubes and torque values",
                "blocks": [
                    "Each bottle format has its own set of vent tubes, centring bells and star wheels. Vent tubes are "
                    "marked by length; a longer vent tube gives a lower fill level.",
                    ("table", [
                        ["Format", "Vent tube", "Length", "Colour code", "Nominal fill level"],
                        ["500 mL PET", "VT-152", "152 mm", "green", "503 mL"],
                        ["600 mL PET", "VT-160", "160 mm", "orange", "603 mL"],
                    ]),
                    ("table", [
                        ["Fastener", "Size", "Tightening torque"],
                        ["Filling valve retaining bolts", "M8", "25 Nm"],
                        ["Star wheel fixing bolts", "M10", "45 Nm"],
                        ["Infeed worm clamp", "M8", "20 Nm"],
                        ["Centring bell guide", "M6", "10 Nm"],
                        ["Ring bowl flange bolts", "M12", "80 Nm"],
                        ["Vent tube thread", "M10 x 1", "hand tight plus 1/8 turn, max 3 Nm"],
                    ]),
                    "Filling valve O-ring kit FV-14-OR contains the 6 EPDM O-rings of one valve (food grade). Replace all "
                    "6 O-rings together. Lubricate only with food-grade (H1) silicone grease.",
                    "CAUTION: Over-tightening vent tubes cracks the valve seat insert. Use the torque screwdriver T-3.",
                ],
            },
            {
                "heading": "4 Lubrication and preventive maintenance",
                "blocks": [
                    "Use only food-grade H1 lubricants on the CF-900. Intervals are in machine running hours (HMI counter).",
                    ("table", [
                        ["Point", "Lubricant / part", "Quantity", "Interval"],
                        ["Carousel slewing bearing (4 nipples)", "Grease EP2 H1", "20 g total", "every 500 h"],
                        ["Star wheel gearboxes (3)", "Gear oil ISO VG 220 H1", "1.2 L each", "check monthly, change every 4,000 h"],
                        ["Main gearbox", "Gear oil ISO VG 320 H1", "8.5 L", "change every 8,000 h"],
                        ["Lift cylinder guides", "Food-grade oil spray", "-", "weekly"],
                        ["Filling valve O-rings", "Kit FV-14-OR", "1 kit per valve", "every 2,000 h or when dripping"],
                        ["Centring bell seals", "Seal kit CB-40", "1 per valve", "every 2,000 h"],
                        ["Rotary product distributor seals", "Seal kit RD-9", "1", "every 6,000 h"],
                        ["Transfer star wheel pockets", "Visual inspection", "-", "monthly (site addition, CAPA-2025-033)"],
                    ]),
                    "After replacing O-rings or vent tubes on any valve, run a first-off fill check on the affected valves "
                    "before release to production.",
                    "WARNING: Lock out the filler (section 2) before any lubrication inside the guards.",
                ],
            },
            {
                "heading": "5 Fault codes",
                "blocks": [
                    "Faults are shown on the HMI with code and text. The valve number is shown for valve faults.",
                    ("table", [
                        ["Code", "Text", "Likely cause", "Remedy"],
                        ["F101", "Bowl level high", "Level probe LT-2 dirty or product valve PV-2 leaking", "Clean probe, check PV-2 seat"],
                        ["F102", "Bowl level low", "Product supply interrupted", "Check buffer tank and product pump"],
                        ["F204", "Filling valve nn not closing", "Worn O-rings, blocked vent tube", "Replace O-ring kit FV-14-OR, clean vent tube"],
                        ["F310", "Infeed jam", "Photoeye PE-21 blocked more than 3 s; fallen bottle at infeed", "Clear jam per site SOP; check CONV-1 speed ratio"],
                        ["F315", "Discharge jam", "Photoeye PE-27 blocked; CONV-2 backed up", "Clear jam; check CAPPER-1 running"],
                        ["F412", "CIP cup nn not in position", "CIP cup actuator or proximity switch", "Check cup and switch on valve nn"],
                        ["F520", "Main drive overload", "Motor current above 110% for 10 s", "Check for mechanical jam, star wheel alignment"],
                        ["F611", "CO2 pressure low", "CO2 supply below 4.5 bar", "Check CO2 supply and regulator PRV-2"],
                        ["F705", "Bowl pressure high", "Bowl above 3.8 bar", "Check CO2 regulator; PSV-2B lifts at 4.0 bar"],
                    ]),
                    "A dripping valve after filling that does not raise F204 is usually a worn lower O-ring; plan the "
                    "FV-14-OR kit replacement at the next stop.",
                ],
            },
        ],
    },
    {
        "path": "calder/manual/kh-350-press-manual.pdf",
        "meta": {
            "doc_id": "CAL-MAN-KH350",
            "title": "Kestrel KH-350 injection moulding machine maintenance manual (IMM-4)",
            "revision": "2",
            "effective_date": "2023-10-01",
            "assets": ["IMM-4", "CHL-1", "ROB-3"],
        },
        "header": "Kestrel KH-350 Servo-Hydraulic Injection Moulding Machine - Maintenance Manual",
        "subtitle": "Installed as IMM-4, Halden Industries Calder. Serial KH350-16-0977. Manual revision 2 "
        "(site copy, sections 1 to 6).",
        "sections": [
            {
                "heading": "1 Machine overview and technical data",
                "blocks": [
                    "The KH-350 is a horizontal injection moulding machine with a direct hydraulic clamp and a "
                    "servo-driven hydraulic pump. Injection speed is boosted by a piston accumulator.",
                    ("table", [
                        ["Item", "Value"],
                        ["Clamp force", "3,500 kN"],
                        ["Tie bar spacing (H x V)", "710 x 710 mm"],
                        ["Mould height", "300 to 750 mm"],
                        ["Maximum opening stroke", "700 mm"],
                        ["Screw diameter / L:D", "60 mm / 22:1"],
                        ["Maximum shot volume", "850 cm3"],
                        ["Maximum injection pressure", "1,850 bar"],
                        ["Hydraulic system pressure", "175 bar"],
                        ["Accumulator", "Piston type, 32 L, nitrogen precharge 130 bar"],
                        ["Pump drive", "Servo motor 45 kW"],
                        ["Barrel heating", "Nozzle + 5 zones, 230 V, 24 kW total"],
                        ["Hydraulic oil tank", "450 L"],
                        ["Locating ring diameter", "125 mm"],
                        ["Machine weight", "16 t"],
                    ]),
                ],
            },
            {
                "heading": "2 Safety systems and isolation",
                "blocks": [
                    "The safety gate on the operator side is monitored by two switches and a hydraulic safety valve. "
                    "Opening the gate stops all movements (fault E33 if the circuit is discordant). A mechanical safety "
                    "bar prevents the moving platen from closing when the gate is open.",
                    ("table", [
                        ["Energy", "Isolation point", "Verification"],
                        ["Electrical 400 V (drives and heaters)", "Main isolator Q4-0", "Try-start pump and motions"],
                        ["Hydraulic accumulator (175 bar oil)", "Dump valve DV-4 opened", "Gauge PI-A4 reads 0 bar (about 90 s)"],
                        ["Moving platen", "Safety block SB-4 between platens", "Lock on SB-4 hasp"],
                        ["Heat (barrel up to 300 °C)", "Cannot be isolated quickly", "Allow 4 h to cool below 60 °C"],
                    ]),
                    "WARNING: The accumulator can close the mould with the pump stopped. Always open DV-4 and check "
                    "PI-A4 before working between the platens.",
                    "DANGER: Never open the nitrogen side of the accumulator. The precharge (130 bar) remains when the oil "
                    "side is at 0 bar. Precharge work is for trained service technicians with the charging kit only.",
                    "WARNING: A hydraulic jet from a pinhole leak can penetrate skin. Never search for leaks with your hand.",
                ],
            },
            {
                "heading": "3 Hydraulic system",
                "blocks": [
                    "The hydraulic oil is cooled by a plate heat exchanger fed with chilled water from the plant chiller "
                    "(at Calder: CHL-1, supply 12 °C).",
                    ("table", [
                        ["Item", "Value"],
                        ["Oil type", "Hydraulic oil HLP ISO VG 46"],
                        ["Normal oil temperature", "40 to 50 °C"],
                        ["Oil temperature alarm (E12)", "55 °C"],
                        ["Oil temperature pump shutdown", "65 °C"],
                        ["Cooling water to oil cooler", "12 °C, minimum 60 L/min"],
                        ["Return filter", "10 µm, change every 2,000 h or when indicator is red"],
                        ["Suction strainer", "clean every 4,000 h"],
                        ["Oil change", "every 8,000 h, or earlier if cleanliness is worse than ISO 4406 18/16/13"],
                        ["Oil sample for analysis", "every 2,000 h"],
                        ["Hydraulic hoses", "replace every 6 years or at any sign of damage"],
                    ]),
                    "High oil temperature is usually caused by low cooling water flow or a fouled oil cooler. Check the "
                    "cooling water supply temperature and flow first, then back-flush or clean the plate cooler.",
                    "CAUTION: Oil above 55 °C loses viscosity and the pump wears quickly. Do not run production with E12 active.",
                ],
            },
            {
                "heading": "4 Mould mounting and torque values",
                "blocks": [
                    "Moulds are clamped to the platens with bolts and clamps in the T-slots (22 mm). Use only bolts of "
                    "the strength class shown; tighten crosswise in two passes.",
                    ("table", [
                        ["Fastener", "Size / class", "Tightening torque"],
                        ["Mould clamp bolts", "M20, class 10.9", "410 Nm"],
                        ["Mould clamp bolts (small moulds)", "M16, class 8.8", "210 Nm"],
                        ["Ejector rod coupling", "M16", "120 Nm"],
                        ["Nozzle tip (at temperature)", "M36 x 2", "150 Nm"],
                        ["Heater band clamp screws", "M5", "4 Nm"],
                        ["Tie bar nuts", "-", "Kestrel service only"],
                    ]),
                    "Set the mould open stroke to the value on the mould card. Robot or take-out interlocks use the "
                    "mould open position as their permission signal.",
                    "WARNING: Never stand under a mould on the crane. Fit the mould safety strap before lifting.",
                ],
            },
            {
                "heading": "5 Lubrication and preventive maintenance",
                "blocks": [
                    ("table", [
                        ["Point", "Lubricant / action", "Interval"],
                        ["Tie bar bushes (central lubrication)", "Grease NLGI 2 lithium EP, reservoir 2 L", "check reservoir weekly"],
                        ["Moving platen slide shoes", "Grease NLGI 2 lithium EP", "every 250 h"],
                        ["Injection carriage guides", "Oil ISO VG 68", "weekly"],
                        ["Accumulator precharge", "Check with charging kit", "every 6 months (130 bar)"],
                        ["Heater bands and thermocouples", "Resistance and insulation check", "every 6 months"],
                        ["Safety gate function", "Operator test: open gate, motions must stop", "daily, start of shift"],
                        ["Hydraulic hoses", "Visual check for chafing and leaks", "monthly"],
                    ]),
                    "Record all preventive maintenance in the CMMS against the asset number of the press.",
                ],
            },
            {
                "heading": "6 Alarm and fault codes",
                "blocks": [
                    ("table", [
                        ["Code", "Text", "Likely cause", "Remedy"],
                        ["E12", "Oil temperature high", "Oil above 55 °C; cooling water flow low or cooler fouled", "Check chiller supply and flow; clean oil cooler"],
                        ["E14", "Oil level low", "Leak or hose failure", "Stop, find leak, top up ISO VG 46"],
                        ["E21", "Heater zone n thermocouple open", "Broken thermocouple or plug", "Replace thermocouple (type J)"],
                        ["E23", "Heater zone n current low", "Heater band failed or fuse blown", "Measure band resistance, replace band"],
                        ["E33", "Safety gate circuit discordant", "Gate switch misaligned or failed", "Adjust or replace switch; test gate"],
                        ["E45", "Ejector not retracted", "Ejector sensor or coupling loose", "Check coupling (120 Nm) and sensor"],
                        ["E57", "Accumulator precharge low", "Precharge below 120 bar", "Service technician to recharge to 130 bar"],
                        ["E60", "Mould protection", "Obstruction in mould during low-pressure close", "Open, remove part or obstruction"],
                        ["E71", "Nozzle temperature deviation", "Nozzle more than 15 °C from setpoint", "Check nozzle heater and thermocouple"],
                    ]),
                ],
            },
        ],
    },
    {
        "path": "calder/manual/vx-65-extruder-manual.pdf",
        "meta": {
            "doc_id": "CAL-MAN-VX65",
            "title": "Varta VX-65 single-screw extruder operating and service manual (EXT-2)",
            "revision": "1",
            "effective_date": "2022-06-15",
            "assets": ["EXT-2", "CHL-1"],
        },
        "header": "Varta VX-65 Single-Screw Extruder - Operating and Service Manual",
        "subtitle": "Installed as EXT-2 (PP and PE profile line), Halden Industries Calder. Serial VX65-21-118. "
        "Manual revision 1 (site copy).",
        "sections": [
            {
                "heading": "1 Technical data",
                "blocks": [
                    ("table", [
                        ["Item", "Value"],
                        ["Screw diameter / L:D", "65 mm / 30:1"],
                        ["Maximum screw speed", "120 rpm"],
                        ["Drive", "AC motor 55 kW with helical gearbox"],
                        ["Output (PE)", "up to 180 kg/h"],
                        ["Barrel heating", "5 zones, ceramic band heaters 230 V, 4.5 kW per zone"],
                        ["Barrel cooling", "1 fan per zone, 0.25 kW"],
                        ["Die adaptor and die", "3 heating zones"],
                        ["Melt pressure transducer PT-2", "range 0 to 700 bar"],
                        ["Melt pressure alarm / trip", "350 bar / 400 bar"],
                        ["Rupture disc RD-2", "550 bar"],
                        ["Gearbox oil", "ISO VG 320, 22 L"],
                        ["Feed throat cooling water", "15 to 25 °C from CHL-1"],
                    ]),
                ],
            },
            {
                "heading": "2 Safety and start-up",
                "blocks": [
                    "DANGER: Never loosen the die, die adaptor, breaker plate or pressure transducer while the barrel is hot "
                    "and PT-2 shows pressure. Molten polymer can be ejected at high pressure.",
                    "WARNING: Never start the screw with a cold barrel. Frozen material can break the screw or blow the "
                    "rupture disc.",
                    ("steps", [
                        "Switch on barrel, adaptor and die heating and check all zones reach setpoint.",
                        "Heat soak: wait at least 30 minutes after the last zone reaches setpoint.",
                        "Start the screw at 10 rpm maximum with the feed throat cooling water flowing.",
                        "Watch melt pressure while purging through the die; increase speed in steps of 10 rpm.",
                        "Start the haul-off and thread up the profile.",
                    ]),
                    ("table", [
                        ["Zone", "Typical setpoint, PP profile"],
                        ["Zone 1 (feed)", "180 °C"],
                        ["Zone 2", "195 °C"],
                        ["Zone 3", "210 °C"],
                        ["Zone 4", "220 °C"],
                        ["Zone 5", "225 °C"],
                        ["Adaptor and die", "225 °C"],
                    ]),
                ],
            },
            {
                "heading": "3 Barrel heaters, thermocouples and screen changer",
                "blocks": [
                    "Each barrel zone has one heater band made of two half-shells (2 x 2.25 kW, 230 V) and one type J "
                    "thermocouple. The heater band for zone 3 is part number HB-65-3.",
                    ("steps", [
                        "Lock out EXT-2 at Q20-0 and the heater cabinet HC-2; let the barrel cool below 60 °C.",
                        "Measure each half-shell: a good half-shell reads about 23.5 ohm. Open circuit means failed.",
                        "Replace the failed half-shell; apply anti-seize to the clamp screws.",
                        "Tighten the heater band clamp screws to 6 Nm; re-tighten to 6 Nm after the first heat-up.",
                        "Check the thermocouple is seated in its well before restarting.",
                    ]),
                    "Screen pack: 40/80/40 mesh. Change the screens when the melt pressure is 60 bar above the clean-screen "
                    "value at the same speed. Die adaptor bolts (M16, class 12.9) are tightened hot to 250 Nm.",
                    "CAUTION: A heater current low alarm (A09) with a normal band resistance points to the solid-state "
                    "relay or fuse in HC-2.",
                ],
            },
            {
                "heading": "4 Lubrication, maintenance and alarms",
                "blocks": [
                    ("table", [
                        ["Point", "Action", "Interval"],
                        ["Gearbox", "Change oil ISO VG 320, 22 L", "every 5,000 h"],
                        ["Gearbox", "Check oil level", "weekly"],
                        ["Motor bearings", "Grease", "every 2,000 h"],
                        ["Screw and barrel wear", "Measure clearance", "every 12 months"],
                        ["Rupture disc RD-2", "Inspect", "every 12 months or after any overpressure"],
                    ]),
                    ("table", [
                        ["Code", "Text", "Likely cause", "Remedy"],
                        ["A01", "Melt pressure high", "Above 350 bar; blocked screens, cold die", "Check die temperatures, change screens"],
                        ["A02", "Melt pressure trip", "Above 400 bar", "Screw stops; find blockage before restart"],
                        ["A05", "Zone overtemperature", "More than 25 °C above setpoint", "Check cooling fan and SSR"],
                        ["A07", "Thermocouple break zone n", "Broken type J thermocouple", "Replace thermocouple"],
                        ["A09", "Heater current low zone n", "Heater half-shell failed, SSR or fuse", "Measure band, replace HB-65-n"],
                        ["A12", "Feed throat cooling flow low", "Cooling water from CHL-1 interrupted", "Restore flow before running"],
                        ["A15", "Drive overload", "Motor current high", "Check temperatures and screen pack"],
                        ["A20", "Gearbox oil temperature high", "Above 85 °C; low oil level", "Check level, oil cooler"],
                    ]),
                ],
            },
        ],
    },
    {
        "path": "dunmore/manual/gr-6300-reactor-manual.pdf",
        "meta": {
            "doc_id": "DUN-MAN-GR6300",
            "title": "Glasmont GR-6300 jacketed reactor operating and maintenance manual (R-101)",
            "revision": "4",
            "effective_date": "2024-04-22",
            "assets": ["R-101", "SCR-1", "BLR-1"],
        },
        "header": "Glasmont GR-6300 Jacketed Stainless Steel Reactor - Operating and Maintenance Manual",
        "subtitle": "Installed as R-101, Halden Industries Dunmore. Vessel number GM-6300-1187. "
        "Manual revision 4 (site copy, sections 1 to 5).",
        "sections": [
            {
                "heading": "1 Technical data",
                "blocks": [
                    "The GR-6300 is a 316L stainless steel batch reactor with a half-pipe jacket for steam heating and "
                    "water cooling, a top-entry agitator with a double mechanical seal, and a DN500 manway.",
                    ("table", [
                        ["Item", "Value"],
                        ["Nominal volume", "6.3 m3"],
                        ["Material (wetted parts)", "Stainless steel 316L"],
                        ["Vessel design pressure", "full vacuum to 4.0 barg"],
                        ["Vessel design temperature", "150 °C"],
                        ["Maximum operating pressure", "3.0 barg"],
                        ["Vessel rupture disc RD-101", "3.8 barg, vents to SCR-1 header"],
                        ["Jacket design pressure / temperature", "6.0 barg / 165 °C"],
                        ["Jacket relief valve PSV-101J", "set 6.0 barg"],
                        ["Maximum jacket steam pressure in use", "4.0 barg"],
                        ["Agitator", "3-stage pitched blade, 22 kW, 20 to 110 rpm (VFD)"],
                        ["Manway", "DN500, 16 swing bolts M20"],
                        ["Bottom outlet", "DN100 flush-bottom valve"],
                    ]),
                ],
            },
            {
                "heading": "2 Safety and interlocks",
                "blocks": [
                    ("table", [
                        ["Tag", "Function", "Setting", "Action"],
                        ["TAH-101", "Reactor temperature high", "90 °C", "Alarm"],
                        ["TAHH-101", "Reactor temperature high-high", "95 °C", "Stop feeds, full jacket cooling"],
                        ["PAH-101", "Reactor pressure high", "2.5 barg", "Alarm, stop feeds"],
                        ["SAL-101", "Agitator stopped", "speed below 15 rpm", "Monomer feed interlocked off"],
                        ["PAL-101S", "Seal pot pressure low", "4.0 bar", "Alarm; stop agitator if below 3.5 bar"],
                        ["PAH-101J", "Jacket pressure high", "5.5 barg", "Close steam valve"],
                    ]),
                    "DANGER: Never open the manway while the reactor is above 0 barg or contains hot liquid. Check the "
                    "pressure gauge and vent to the scrubber first.",
                    "WARNING: Never restart the agitator into a batch with unreacted monomer after an agitator stop without "
                    "the Process Technician's approval: accumulated monomer can react violently.",
                    "CAUTION: Do not heat with steam above 4.0 barg in the jacket; product films on the wall degrade.",
                ],
            },
            {
                "heading": "3 Agitator and mechanical seal",
                "blocks": [
                    "The agitator shaft is sealed by a double mechanical seal with a thermosiphon seal pot. The barrier "
                    "fluid is pressurised with nitrogen so that it is always above the vessel pressure.",
                    ("table", [
                        ["Item", "Value"],
                        ["Barrier fluid", "White oil ISO VG 22"],
                        ["Seal pot nitrogen pressure", "5.0 bar (1.5 to 2.0 bar above vessel pressure)"],
                        ["Seal pot volume", "10 L; keep level between MIN and MAX"],
                        ["Permissible barrier oil consumption", "up to 0.1 L per week"],
                        ["Agitator gearbox oil", "ISO VG 320 synthetic, 18 L, change every 8,000 h"],
                        ["Agitator bearings", "Grease every 1,000 h"],
                        ["Shaft run-out at the seal", "0.5 mm maximum"],
                    ]),
                    "A rising barrier oil consumption, or product in the seal pot, means a seal face is failing. Plan "
                    "a seal change at the next wash.",
                    "WARNING: Lock out the agitator at MCC-3 and remove the coupling pin before any work on the seal or "
                    "before vessel entry.",
                ],
            },
            {
                "heading": "4 Manway, flanges and bolt torques",
                "blocks": [
                    "Replace the PTFE envelope gasket of the manway at every opening. Tighten the 16 swing bolts crosswise "
                    "in three passes: 50 Nm, 100 Nm, then 150 Nm.",
                    ("table", [
                        ["Joint", "Bolts", "Tightening torque"],
                        ["Manway DN500", "16 x M20 swing bolts", "150 Nm (3 passes)"],
                        ["Nozzle DN50 PN16", "4 x M16", "80 Nm"],
                        ["Nozzle DN80 PN16", "8 x M16", "90 Nm"],
                        ["Bottom outlet valve DN100 PN16", "8 x M16", "100 Nm"],
                        ["Agitator seal housing", "8 x M12", "60 Nm"],
                    ]),
                    "After any joint has been opened, leak test the vessel with nitrogen at 2.0 barg. Hold for 30 minutes; "
                    "the pressure drop must not exceed 0.05 bar.",
                ],
            },
            {
                "heading": "5 Inspection and maintenance schedule",
                "blocks": [
                    ("table", [
                        ["Interval", "Task"],
                        ["Daily", "Seal pot pressure and level; agitator noise and vibration"],
                        ["Weekly", "Jacket steam traps working; agitator gearbox oil level"],
                        ["At each caustic wash", "Visual inspection of walls, baffles and agitator from the manway"],
                        ["Every 6 months", "Calibrate TT-101 and PT-101; test TAHH-101 trip"],
                        ["Every 12 months", "Inspect rupture disc RD-101 and jacket PSV-101J; wall thickness survey"],
                        ["Every 5 years", "Internal statutory pressure vessel inspection"],
                    ]),
                    "Record results in the CMMS against R-101. A rupture disc that has burst must be replaced with the "
                    "same rating (3.8 barg) and the cause investigated before the reactor is returned to service.",
                ],
            },
        ],
    },
]

# fmt: on


def build_pdf(path: Path, manual: dict) -> int:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    rl_config.invariant = 1
    styles = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=styles["BodyText"], fontSize=9.5, leading=12.5, spaceAfter=5
    )
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0)
    cell_head = ParagraphStyle("cellh", parent=cell, fontName="Helvetica-Bold")
    h1 = ParagraphStyle("h1", parent=styles["Heading1"], fontSize=15, spaceAfter=8)
    title = ParagraphStyle("title", parent=styles["Title"], fontSize=17, leading=21)
    warn = ParagraphStyle("warn", parent=body, fontName="Helvetica-Bold")
    meta = manual["meta"]

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(18 * mm, A4[1] - 11 * mm, manual["header"])
        canvas.drawRightString(
            A4[0] - 18 * mm,
            10 * mm,
            f"{meta['doc_id']}  revision {meta['revision']}  -  page {doc.page}",
        )
        canvas.restoreState()

    story = []
    for i, sec in enumerate(manual["sections"]):
        if i:
            story.append(PageBreak())
        else:
            story.append(Paragraph(escape(manual["header"]), title))
            story.append(Paragraph(escape(manual["subtitle"]), body))
            story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(escape(sec["heading"]), h1))
        for block in sec["blocks"]:
            if isinstance(block, str):
                style = warn if re.match(r"^(WARNING|CAUTION|DANGER):", block) else body
                story.append(Paragraph(escape(block), style))
            elif block[0] == "table":
                rows = block[1]
                data = [[Paragraph(escape(c), cell_head) for c in rows[0]]]
                data += [[Paragraph(escape(c), cell) for c in r] for r in rows[1:]]
                ncol = len(rows[0])
                width = A4[0] - 36 * mm
                col_w = [width / ncol] * ncol
                if ncol == 2:
                    col_w = [width * 0.45, width * 0.55]
                elif ncol == 4 and rows[0][0] == "Code":
                    col_w = [width * 0.1, width * 0.24, width * 0.33, width * 0.33]
                t = Table(data, colWidths=col_w, repeatRows=1)
                t.setStyle(
                    TableStyle(
                        [
                            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")),
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ]
                    )
                )
                story.append(t)
                story.append(Spacer(1, 4 * mm))
            elif block[0] == "steps":
                for n, step in enumerate(block[1], 1):
                    story.append(Paragraph(f"{n}. {escape(step)}", body))
            elif block[0] == "bullets":
                for item in block[1]:
                    story.append(Paragraph(f"- {escape(item)}", body))
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=meta["title"],
        author="Halden Industries (fictional sample)",
        subject=meta["doc_id"],
        creator="scripts/build_sample_docs.py",
        invariant=1,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    if doc.page != len(manual["sections"]):
        raise ValueError(
            f"{path.name}: {doc.page} pages for {len(manual['sections'])} sections; "
            "each section must fit on one page"
        )
    return doc.page


# --------------------------------------------------------------------------------------------
# DOCX SOP
# --------------------------------------------------------------------------------------------

DOCX_SOP = {
    "path": "calder/sop/cal-sop-020-imm-4-mould-change.docx",
    "meta": {
        "doc_id": "CAL-SOP-020",
        "title": "Mould change on IMM-4",
        "revision": "6",
        "effective_date": "2025-09-01",
        "assets": ["IMM-4", "ROB-3", "CHL-1"],
    },
    "intro": "Halden Industries - Calder site. Revision 6. Owner: Calder Process Engineer. Revision 6 adds the "
    "mould open stroke check and the ROB-3 dry cycle (CAPA-2025-053, from incident CAL-INC-2025-021).",
    "sections": [
        (
            "Purpose",
            [
                "To remove and fit moulds on the Kestrel KH-350 press IMM-4 safely and to return the press and its "
                "take-out robot ROB-3 to production without damage."
            ],
        ),
        (
            "Scope",
            [
                "Mould setters at Calder. Covers moulds M-4471 (HX-220 housing) and M-3902 (cover) and any other mould "
                "listed on a mould card for IMM-4. Lifting is done with the 5 t overhead crane in bay 2."
            ],
        ),
        (
            "PPE",
            [
                "Calder site minimum (CAL-SOP-002) plus: hard hat while the crane is lifting, rigger gloves for slinging, "
                "heat-resistant gloves for mould plates above 60 °C."
            ],
        ),
        ("Mould data and torque values", None),
        ("Procedure", None),
        ("After the change", None),
        (
            "References",
            [
                "CAL-SOP-001 Lockout/tagout - Calder injection-moulding plant",
                "CAL-SOP-010 Purging and material change on injection presses",
                "Kestrel KH-350 maintenance manual (CAL-MAN-KH350), section 4 Mould mounting and torque values",
                "CAL-INC-2025-021 ROB-3 take-out robot collision with mould M-4471 on IMM-4",
            ],
        ),
    ],
    "mould_table": [
        ["Mould", "Part", "Weight", "Mould height", "Mould open stroke", "Clamp bolts"],
        ["M-4471", "HX-220 housing, 4 cavities", "2.4 t", "520 mm", "560 mm", "M20 class 10.9"],
        ["M-3902", "Cover, 2 cavities", "1.1 t", "410 mm", "380 mm", "M16 class 8.8"],
    ],
    "torque_table": [
        ["Fastener", "Size", "Torque"],
        ["Mould clamp bolts", "M20 class 10.9", "410 Nm"],
        ["Mould clamp bolts", "M16 class 8.8", "210 Nm"],
        ["Ejector rod coupling", "M16", "120 Nm"],
        ["Lifting eyebolt in mould top", "M36", "fully seated by hand, never with a bar"],
    ],
    "steps": [
        "Run the hopper empty, purge if the next job uses another material (CAL-SOP-010) and set the barrel to standby 180 °C.",
        "Move ROB-3 to its home position and switch it to manual; remove the gripper G-4471 if the next mould does not use it.",
        "Close the mould at low pressure and fit the mould safety strap across both halves.",
        "Switch off the pump and lock out IMM-4 (Q4-0, accumulator dump valve DV-4, PI-A4 at 0 bar) per CAL-SOP-001.",
        "Disconnect the cooling water circuits (from CHL-1) and blow them out with air into a bucket; disconnect the hot runner plugs.",
        "Undo the ejector rod coupling and the mould clamp bolts on the moving platen, then on the fixed platen.",
        "Fit the M36 eyebolt, hook on the crane and take the weight before the last clamps are released.",
        "Remove your lock, open the platen in set-up mode at slow speed and lift the mould out. Never stand under the load.",
        "Lower the new mould between the tie bars and locate the 125 mm locating ring in the fixed platen.",
        "Close the platen in set-up mode to hold the mould, lock out again, then fit and torque the clamp bolts (table above), crosswise in two passes.",
        "Connect the ejector coupling (120 Nm), cooling water and hot runner; remove the safety strap and the eyebolt.",
        "Set mould height and the mould open stroke from the table (560 mm for M-4471); set mould protection pressure and time.",
        "Load the ROB-3 program for the mould and run one dry cycle in manual at reduced speed. ROB-3 must only descend with at least 540 mm daylight.",
        "Heat the barrel to process temperature, run 5 shots to the purge pan and submit first-off parts to Quality.",
    ],
    "after": [
        "Record the mould change, bolt torques and open stroke on the mould card and in the CMMS.",
        "Return the safety strap, eyebolt and torque wrench to the mould change trolley.",
        "WARNING: Never reach between the platens to adjust a clamp with the press only stopped. Lock out and fit safety block SB-4.",
        "CAUTION: A wrong mould open stroke lets ROB-3 enter too early. Always check the stroke against the mould card.",
    ],
}


def build_docx(path: Path, spec: dict) -> None:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    d.styles["Normal"].font.name = "Calibri"
    d.styles["Normal"].font.size = Pt(10.5)
    meta = spec["meta"]
    d.add_heading(f"{meta['doc_id']} {meta['title']}", level=0)
    d.add_paragraph(spec["intro"])

    def table(rows):
        t = d.add_table(rows=len(rows), cols=len(rows[0]))
        t.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, val in enumerate(row):
                t.cell(r, c).text = val
                if r == 0:
                    for run in t.cell(r, c).paragraphs[0].runs:
                        run.bold = True
        d.add_paragraph("")

    for heading, paras in spec["sections"]:
        d.add_heading(heading, level=1)
        if heading == "Mould data and torque values":
            table(spec["mould_table"])
            table(spec["torque_table"])
        elif heading == "Procedure":
            for step in spec["steps"]:
                d.add_paragraph(step, style="List Number")
        elif heading == "After the change":
            for line in spec["after"]:
                d.add_paragraph(line)
        else:
            for p in paras:
                if heading == "References":
                    d.add_paragraph(p, style="List Bullet")
                else:
                    d.add_paragraph(p)
    cp = d.core_properties
    cp.title = meta["title"]
    cp.author = "Halden Industries (fictional sample)"
    cp.last_modified_by = "scripts/build_sample_docs.py"
    cp.identifier = meta["doc_id"]
    cp.revision = int(meta["revision"])
    cp.created = FIXED_DATETIME
    cp.modified = FIXED_DATETIME
    cp.last_printed = FIXED_DATETIME
    d.save(str(path))
    normalize_zip(path)


# --------------------------------------------------------------------------------------------
# Work-order exports (CMMS style). Plant rows: (date, asset, symptom, action, failure_mode, status)
# --------------------------------------------------------------------------------------------

# fmt: off
WO_COLUMNS = ["wo_id", "asset", "date", "symptom", "action", "failure_mode", "status"]

BRK_ROWS = [
    ("2025-01-08", "FILLER-2", "FILLER-2 valve 14 dripping after fill", "replaced O-ring kit FV-14-OR on valve 14, leak checked at bowl pressure OK", "LEAKAGE", "CLOSED"),
    ("2025-01-14", "FILLER-2", "FILLER-2 F611 CO2 pressure low, supply 4.2 bar", "replaced diaphragm in CO2 regulator PRV-2, supply back to 6 bar", "BREAKDOWN", "CLOSED"),
    ("2025-01-21", "CAPPER-1", "CAPPER-1 head 7 removal torque low 0.9 Nm", "replaced magnetic clutch on head 7, set 2.3 Nm, re-check 1.5 to 1.7 Nm OK", "WEAR", "CLOSED"),
    ("2025-01-29", "LABELLER-2", "LABELLER-2 glue hose 2 temp alarm, reading 140C", "replaced hose 2 RTD sensor, glue at 160C setpoint", "SENSOR FAULT", "CLOSED"),
    ("2025-02-04", "CONV-1", "CONV-1 chain noisy at infeed bend", "replaced worn wear strips at bend 2, chain tension adjusted", "NOISE/VIBRATION", "CLOSED"),
    ("2025-02-11", "PAL-1", "PAL-1 layer gripper not releasing", "replaced solenoid valve YV-712 on gripper manifold, 20 cycles tested OK", "BREAKDOWN", "CLOSED"),
    ("2025-02-18", "FILLER-1", "FILLER-1 F101 bowl level high repeatedly", "cleaned level probe LT-1 and recalibrated", "SENSOR FAULT", "CLOSED"),
    ("2025-02-25", "CIP-1", "CIP-1 return temp slow to reach setpoint", "replaced failed steam trap ST-CIP2 on HX-CIP", "BREAKDOWN", "CLOSED"),
    ("2025-03-04", "CONV-3", "CONV-3 photoeye PE-31 false trips", "cleaned and realigned PE-31 reflector", "SENSOR FAULT", "CLOSED"),
    ("2025-03-12", "LABELLER-2", "LABELLER-2 labels skewed on 500 mL", "reset label drum timing, replaced worn vacuum pad", "ADJUSTMENT", "CLOSED"),
    ("2025-03-19", "FILLER-2", "FILLER-2 F204 valve 31 not closing", "replaced O-ring kit FV-14-OR on valve 31, cleaned vent tube", "LEAKAGE", "CLOSED"),
    ("2025-03-26", "CONV-2", "CONV-2 bottles tipping at transfer to CAPPER-1", "adjusted guide rail width to 66 mm, replaced worn dead plate", "ADJUSTMENT", "CLOSED"),
    ("2025-04-02", "PAL-1", "PAL-1 hoist chain stretched", "replaced hoist chain and both sprockets, tensioned", "WEAR", "CLOSED"),
    ("2025-04-09", "CAPPER-1", "CAPPER-1 closure sorter blocking, caps upside down", "cleaned sorter disc, adjusted orientation air jets", "BLOCKAGE", "CLOSED"),
    ("2025-04-16", "FILLER-1", "FILLER-1 product valve PV-1 passing", "replaced seat seal on PV-1", "LEAKAGE", "CLOSED"),
    ("2025-04-22", "FILLER-2", "FILLER-2 transfer star wheel pocket 7 broken", "replaced pocket segment from stores under lockout, see BRK-INC-2025-014", "DAMAGE", "CLOSED"),
    ("2025-05-06", "CONV-1", "CONV-1 infeed worm worn, bottles tipping at infeed", "replaced infeed worm, re-tuned CONV-1 speed ratio to worm (CAPA-2025-034)", "WEAR", "CLOSED"),
    ("2025-05-14", "FILLER-2", "FILLER-2 fit jam hook holders on G3 and G7", "fitted JH-2 holders on guard doors G3 and G7 (CAPA-2025-032)", "OTHER", "CLOSED"),
    ("2025-05-28", "FILLER-2", "FILLER-2 replace all transfer star wheel pockets", "replaced all 40 pocket segments, monthly pocket check added to PM (CAPA-2025-033)", "WEAR", "CLOSED"),
    ("2025-06-10", "LABELLER-2", "LABELLER-2 knife not cutting cleanly", "replaced cutter blade and counter blade, set blade gap", "WEAR", "CLOSED"),
    ("2025-06-17", "CONV-4", "CONV-4 motor tripping on overload", "found seized return roller, replaced roller and bearings", "BREAKDOWN", "CLOSED"),
    ("2025-06-24", "CIP-1", "CIP-1 caustic dosing pump DP-1 not priming", "replaced DP-1 suction valve balls, primed OK", "BREAKDOWN", "CLOSED"),
    ("2025-07-07", "FILLER-2", "FILLER-2 valves 12-20 overhaul, O-rings and vent tubes", "replaced O-ring kits FV-14-OR and vent tubes on valves 12-20", "NONE (PM)", "CLOSED"),
    ("2025-07-08", "FILLER-2", "FILLER-2 valves 12-20 low fill", "changed vent tubes on valves 12-20 to VT-152, fill checked on all 40 valves", "ADJUSTMENT", "CLOSED"),
    ("2025-08-19", "CIP-1", "CIP-1 sample valve SV-3 knocked open, caustic spray", "closed SV-3 and fitted blanking cap; spring-return valve requested, see BRK-INC-2025-022", "OTHER", "CLOSED"),
    ("2025-08-26", "CIP-1", "CIP-1 HX-CIP fouled, return temp drops below setpoint", "opened and cleaned HX-CIP plates, pressure tested, added 6-monthly PM (CAPA-2025-047)", "BLOCKAGE", "CLOSED"),
    ("2025-09-09", "FILLER-2", "FILLER-2 main drive F520 overload", "star wheel 2 misaligned after format change, realigned, fixing bolts 45 Nm", "ADJUSTMENT", "CLOSED"),
    ("2025-09-16", "LABELLER-2", "LABELLER-2 glue tank level sensor fault", "replaced capacitive level sensor LS-G2", "SENSOR FAULT", "CLOSED"),
    ("2025-09-23", "PAL-1", "PAL-1 safety gate SG-2 interlock fault", "replaced coded safety switch on SG-2, gate tested", "ELECTRICAL", "CLOSED"),
    ("2025-09-30", "CAPPER-1", "CAPPER-1 heads 3 and 9 chucks worn", "replaced CH-1881 chucks on heads 3 and 9", "WEAR", "CLOSED"),
    ("2025-10-07", "CONV-2", "CONV-2 track lube spray nozzles blocked", "cleaned nozzles, replaced filter on track lube unit", "BLOCKAGE", "CLOSED"),
    ("2025-10-14", "CONV-3", "CONV-3 drive tripped, gearbox GB-3 seized", "replaced gearbox GB-3 with spare GB-28-1.5, filled 1.6 L ISO VG 220, see BRK-INC-2025-030", "BREAKDOWN", "CLOSED"),
    ("2025-10-20", "CIP-1", "CIP-1 replace SV-3 with spring-return sample valve", "fitted spring-return sample valve with capped outlet (CAPA-2025-049)", "OTHER", "CLOSED"),
    ("2025-10-21", "CONV-3", "CONV-3 GB-3 breather blocked with label dust", "cleaned breathers on CONV-1 to CONV-4 gearboxes, weekly oil level check added (CAPA-2025-058)", "BLOCKAGE", "CLOSED"),
    ("2025-10-28", "FILLER-1", "FILLER-1 CO2 leak at bowl vent valve V-1V", "replaced V-1V seal, leak tested", "LEAKAGE", "CLOSED"),
    ("2025-11-02", "CONV-4", "CONV-4 drive chain worn, replace", "chain replacement in progress, CONV-4 locked out at MCC-1 bucket 04", "WEAR", "IN PROGRESS"),
    ("2025-11-03", "FILLER-2", "FILLER-2 valve 14 dripping again", "fit O-ring kit FV-14-OR at 10:00 stop under lockout", "LEAKAGE", "OPEN"),
    ("2025-11-03", "LABELLER-2", "LABELLER-2 glue hose 2 temp dipping to 148C", "check hose 2 heater and RTD", "ELECTRICAL", "OPEN"),
]
BRK_ROWS += [
    (d, "FILLER-2", "FILLER-2 500 h slewing bearing greasing", "greased carousel slewing bearing, 20 g EP2 H1 at 4 nipples", "NONE (PM)", "CLOSED")
    for d in ("2025-01-27", "2025-02-24", "2025-03-24", "2025-04-28", "2025-05-26", "2025-06-23",
              "2025-07-21", "2025-08-18", "2025-09-15", "2025-10-13")
]
BRK_ROWS += [
    (d, "FILLER-2", "FILLER-2 monthly transfer star wheel pocket inspection", "inspected 40 pockets, no damage found", "NONE (PM)", "CLOSED")
    for d in ("2025-06-30", "2025-07-28", "2025-08-25", "2025-09-29", "2025-10-27")
]
BRK_ROWS += [
    (d, "CAPPER-1", "CAPPER-1 quarterly check of torque tester TQ-3", "checked TQ-3 against 2.0 Nm reference, within 0.05 Nm", "NONE (PM)", "CLOSED")
    for d in ("2025-01-31", "2025-04-30", "2025-07-31", "2025-10-31")
]

CAL_ROWS = [
    ("2025-01-09", "IMM-4", "IMM-4 hydraulic oil temp high 62C, E12", "cleaned oil cooler plates, CHL-1 supply restored to 12C, oil 46C after 1 h", "OVERHEATING", "CLOSED"),
    ("2025-01-16", "EXT-2", "EXT-2 barrel zone 3 heater fail, A09", "replaced zone 3 heater band half-shell HB-65-3, clamp screws 6 Nm, A09 cleared", "ELECTRICAL", "CLOSED"),
    ("2025-01-23", "GRAN-1", "GRAN-1 regrind oversize, blades blunt", "replaced rotor and bed blades under lockout, set blade gap 0.3 mm", "WEAR", "CLOSED"),
    ("2025-01-30", "DRY-1", "DRY-1 dew point high -25C", "replaced regeneration heater fuse, dew point -41C after 4 h", "ELECTRICAL", "CLOSED"),
    ("2025-02-06", "IMM-2", "IMM-2 zone 2 thermocouple open", "replaced type J thermocouple zone 2", "SENSOR FAULT", "CLOSED"),
    ("2025-02-13", "ROB-3", "ROB-3 vacuum gripper dropping parts", "replaced 4 suction cups on gripper G-4471, vacuum -0.7 bar OK", "WEAR", "CLOSED"),
    ("2025-02-20", "CHL-1", "CHL-1 supply temp drifting to 16C", "cleaned condenser coils, refrigerant check by F-gas contractor OK, supply 12C", "BLOCKAGE", "CLOSED"),
    ("2025-02-27", "IMM-1", "IMM-1 nozzle drooling", "replaced nozzle tip and nozzle heater band", "WEAR", "CLOSED"),
    ("2025-03-06", "IMM-5", "IMM-5 safety gate fault, motions blocked", "realigned gate switch 2, gate function tested", "ELECTRICAL", "CLOSED"),
    ("2025-03-14", "IMM-4", "IMM-4 hose H-17 burst at injection unit", "replaced hose H-17, topped up 60 L ISO VG 46, changed return filter, leak test 175 bar OK, see CAL-INC-2025-009", "LEAKAGE", "CLOSED"),
    ("2025-04-03", "EXT-2", "EXT-2 melt pressure high 360 bar, A01", "changed screen pack 40/80/40, melt pressure back to 240 bar", "BLOCKAGE", "CLOSED"),
    ("2025-04-10", "IMM-3", "IMM-3 short shots, check ring suspected", "replaced screw check ring", "WEAR", "CLOSED"),
    ("2025-04-17", "GRAN-1", "GRAN-1 noisy bearing drive side", "replaced rotor bearing drive side, greased", "NOISE/VIBRATION", "CLOSED"),
    ("2025-04-24", "IMM-6", "IMM-6 hydraulic leak at clamp cylinder", "replaced clamp cylinder rod seal", "LEAKAGE", "CLOSED"),
    ("2025-05-08", "EXT-2", "EXT-2 feed throat cooling flow low, A12", "cleaned strainer on CHL-1 branch to EXT-2, flow restored", "BLOCKAGE", "CLOSED"),
    ("2025-05-15", "IMM-4", "IMM-4 E57 accumulator precharge low", "service technician recharged accumulator nitrogen to 130 bar", "LEAKAGE", "CLOSED"),
    ("2025-05-20", "IMM-4", "IMM-4 fit hose spray shields", "fitted spray shields over injection unit hoses (CAPA-2025-013)", "OTHER", "CLOSED"),
    ("2025-05-22", "ROB-3", "ROB-3 Z-axis belt slipping", "replaced Z-axis toothed belt, tensioned", "WEAR", "CLOSED"),
    ("2025-06-05", "IMM-2", "IMM-2 no purge pan at press", "supplied steel purge pans for IMM-1 to IMM-6 (CAPA-2025-028)", "OTHER", "CLOSED"),
    ("2025-06-12", "IMM-4", "IMM-4 E23 zone 4 heater current low", "replaced barrel zone 4 heater band, clamp screws 4 Nm", "ELECTRICAL", "CLOSED"),
    ("2025-06-19", "DRY-1", "DRY-1 hopper H-4 dew point -32C", "checked regeneration heater and valves OK; desiccant replacement requested", "WEAR", "CLOSED"),
    ("2025-07-03", "DRY-1", "DRY-1 replace desiccant, fit dew point alarm", "replaced desiccant in both beds, dew point alarm set at -40C (CAPA-2025-039)", "WEAR", "CLOSED"),
    ("2025-07-10", "IMM-4", "IMM-4 E45 ejector not retracted", "re-torqued ejector rod coupling to 120 Nm, adjusted sensor", "ADJUSTMENT", "CLOSED"),
    ("2025-07-17", "EXT-2", "EXT-2 gearbox oil temp high 88C, A20", "oil 3 L low, replaced gearbox input seal, topped up ISO VG 320", "LEAKAGE", "CLOSED"),
    ("2025-07-24", "CHL-1", "CHL-1 pump P-CH2 mechanical seal leaking", "replaced mechanical seal on P-CH2", "LEAKAGE", "CLOSED"),
    ("2025-08-07", "ROB-3", "ROB-3 gripper bent after collision with mould M-4471", "replaced gripper G-4471, re-taught positions, see CAL-INC-2025-021", "DAMAGE", "CLOSED"),
    ("2025-08-08", "IMM-4", "IMM-4 mould M-4471 cavity 3 slide damaged", "slide repaired in tool room, mould refitted, open stroke set 560 mm", "DAMAGE", "CLOSED"),
    ("2025-08-21", "IMM-1", "IMM-1 oil leak under pump", "replaced pump suction flange O-ring", "LEAKAGE", "CLOSED"),
    ("2025-09-04", "EXT-2", "EXT-2 zone 5 thermocouple break, A07", "replaced type J thermocouple zone 5", "SENSOR FAULT", "CLOSED"),
    ("2025-09-11", "GRAN-1", "GRAN-1 rotor stop sensor not showing green", "replaced rotor stop proximity sensor", "SENSOR FAULT", "CLOSED"),
    ("2025-09-18", "IMM-4", "IMM-4 hydraulic oil temp 57C, E12 alarm", "CHL-1 valve to IMM-4 partly closed, opened fully, oil 47C", "OVERHEATING", "CLOSED"),
    ("2025-09-25", "ROB-3", "ROB-3 add platen position interlock", "programmed descent interlock at 540 mm platen position (CAPA-2025-054), tested", "OTHER", "CLOSED"),
    ("2025-10-02", "IMM-5", "IMM-5 heater band zone 1 burnt out", "replaced heater band zone 1", "ELECTRICAL", "CLOSED"),
    ("2025-10-09", "CHL-1", "CHL-1 low refrigerant pressure alarm", "F-gas contractor found leak at brazed joint, repaired and recharged", "LEAKAGE", "CLOSED"),
    ("2025-10-16", "EXT-2", "EXT-2 haul-off belt slipping", "replaced haul-off belts, set haul-off pressure 2.5 bar", "WEAR", "CLOSED"),
    ("2025-10-23", "IMM-4", "IMM-4 hydraulic oil sample 2000 h", "oil sample ISO 4406 17/15/12, within limit", "NONE (PM)", "CLOSED"),
    ("2025-10-30", "EXT-2", "EXT-2 barrel zone 3 heater fail again, A09", "half-shells OK at 23.4 ohm, replaced solid-state relay in HC-2", "ELECTRICAL", "CLOSED"),
    ("2025-11-06", "IMM-3", "IMM-3 hopper loader not filling", "awaiting vacuum loader motor", "BREAKDOWN", "WAITING PARTS"),
    ("2025-11-10", "IMM-4", "IMM-4 return filter indicator red", "change 10 um return filter", "BLOCKAGE", "OPEN"),
]
CAL_ROWS += [
    (d, "IMM-4", "IMM-4 platen slide shoes greasing 250 h", "greased moving platen slide shoes, NLGI 2 lithium EP", "NONE (PM)", "CLOSED")
    for d in ("2025-01-13", "2025-02-10", "2025-03-10", "2025-04-07", "2025-05-05", "2025-06-02",
              "2025-06-30", "2025-07-28", "2025-08-25", "2025-09-22", "2025-10-20")
]
CAL_ROWS += [
    (d, "GRAN-1", "GRAN-1 monthly blade gap check", "checked rotor to bed blade gap, 0.3 mm, no adjustment", "NONE (PM)", "CLOSED")
    for d in ("2025-05-30", "2025-06-27", "2025-07-25", "2025-08-29", "2025-09-26", "2025-10-31")
]

DUN_ROWS = [
    ("2025-01-10", "P-301", "P-301 seal pot level dropping", "topped up barrier oil ISO VG 22, consumption 0.05 L/week, monitor", "LEAKAGE", "CLOSED"),
    ("2025-01-17", "R-101", "R-101 agitator gearbox noisy", "oil level low, topped up 2 L ISO VG 320 synthetic, vibration normal", "NOISE/VIBRATION", "CLOSED"),
    ("2025-01-24", "BLR-1", "BLR-1 gauge glass 2 cock passing", "repacked gauge glass steam and water cocks", "LEAKAGE", "CLOSED"),
    ("2025-02-10", "SCR-1", "SCR-1 DP-SCR air-locked, liquor pH 7.8", "vented air lock, dosed caustic, cleaned and calibrated AIT-SCR, see DUN-INC-2025-005", "BLOCKAGE", "CLOSED"),
    ("2025-02-24", "SCR-1", "SCR-1 install caustic day tank low-level alarm", "installed low-level switch and alarm on day tank (CAPA-2025-009)", "OTHER", "CLOSED"),
    ("2025-03-03", "T-201", "T-201 agitator coupling worn", "replaced coupling insert", "WEAR", "CLOSED"),
    ("2025-03-17", "BLR-1", "BLR-1 low-water alarm slow on daily test", "cleaned float chamber and control chamber blowdown line, retested OK", "BLOCKAGE", "CLOSED"),
    ("2025-03-31", "R-102", "R-102 jacket steam trap stuck open", "replaced steam trap ST-102", "BREAKDOWN", "CLOSED"),
    ("2025-04-18", "R-102", "R-102 feed pump FP-102 flow reading drift", "recalibrated FP-102 flowmeter against R-102 weight loss (CAPA-2025-019)", "SENSOR FAULT", "CLOSED"),
    ("2025-04-22", "SCR-1", "SCR-1 tower dP 22 mbar", "washed packing, dP 9 mbar", "BLOCKAGE", "CLOSED"),
    ("2025-05-05", "P-302", "P-302 bearing housing temp 78C", "regreased bearings, temperature 61C", "OVERHEATING", "CLOSED"),
    ("2025-05-27", "P-302", "P-302 seal leaking emulsion, seal pot 1.5 bar", "replaced double seal cartridge, regulator reset to 4.5 bar and knob locked, see DUN-INC-2025-012", "LEAKAGE", "CLOSED"),
    ("2025-06-09", "R-101", "R-101 seal pot pressure low 4.2 bar", "replaced nitrogen regulator on agitator seal pot, set 5.0 bar", "BREAKDOWN", "CLOSED"),
    ("2025-06-23", "BLR-1", "BLR-1 TDS high 3400 ppm", "extra bottom blowdown, cleaned TDS controller probe", "SENSOR FAULT", "CLOSED"),
    ("2025-07-07", "R-101", "R-101 rupture disc and jacket PSV annual inspection", "inspected RD-101 (3.8 barg) no damage; PSV-101J bench tested at 6.0 barg", "NONE (PM)", "CLOSED"),
    ("2025-07-21", "T-201", "T-201 load cell LC-201 reading erratic", "reseated junction box cable, recalibrated", "SENSOR FAULT", "CLOSED"),
    ("2025-08-04", "P-301", "P-301 discharge pressure low 2.1 bar", "impeller worn, replaced impeller and wear ring", "WEAR", "CLOSED"),
    ("2025-08-18", "SCR-1", "SCR-1 recirculation pump P-SCR noisy", "replaced P-SCR bearings", "NOISE/VIBRATION", "CLOSED"),
    ("2025-09-01", "BLR-1", "BLR-1 burner ignition failures", "cleaned ignition electrode, set gap 3 mm", "ELECTRICAL", "CLOSED"),
    ("2025-09-10", "T-201", "T-201 LC-201 zero check requested", "re-zeroed LC-201 with empty tank, checked with test weights", "SENSOR FAULT", "CLOSED"),
    ("2025-09-22", "R-102", "R-102 agitator seal barrier oil use 0.3 L/week", "seal change planned at next caustic wash", "LEAKAGE", "OPEN"),
    ("2025-10-06", "R-101", "R-101 manway gasket leaking at leak test", "replaced PTFE envelope gasket, torqued 150 Nm in 3 passes, leak test 2.0 barg OK", "LEAKAGE", "CLOSED"),
    ("2025-10-20", "P-302", "P-302 seal pot PAL alarm 3.4 bar", "found leaking nitrogen hose to seal pot, replaced, pressure 4.5 bar", "LEAKAGE", "CLOSED"),
    ("2025-11-03", "BLR-1", "BLR-1 safety valve PSV-BLR-1B weeping", "remove and overhaul PSV-BLR-1B, spare valve ordered", "LEAKAGE", "WAITING PARTS"),
]
DUN_ROWS += [
    (d, "P-301" if i % 2 == 0 else "P-302",
     "P-301/P-302 monthly duty changeover record",
     ("duty changed P-301 to P-302" if i % 2 == 0 else "duty changed P-302 to P-301") + ", both seal pots 4.5 bar",
     "NONE (PM)", "CLOSED")
    for i, d in enumerate(("2025-01-06", "2025-02-03", "2025-03-03", "2025-04-07", "2025-05-05", "2025-06-02",
                           "2025-07-07", "2025-08-04", "2025-09-01", "2025-10-06"))
]

# MaintIE texts: mapped to site utility/mobile equipment by keyword. Order of rules matters.
_MAINTIE_SKIP = re.compile(
    r"<(?!id>)|\bbogger|\bbucket|\bdozer|\bdrill|\bdragline|\bhaul|\bboom|\bdipper|\bcrowd|\bswing|tele-remote|"
    r"\bshovel|\brig\b|\btruck|\btbc\b|\bpo\b|\bvims\b|\bpto\b|\bstick\b|\bripper|\bblade|\bgrader|\bexcavator",
    re.I,
)
_MAINTIE_JUNK = re.compile(
    r"%|\bcosts?\b|cancel|off hire|boilermaker|\bSOS\b|\bCW\b|\bSTIC\b|dropbox|\bCat\b|lug tyres|"
    r"\bmo$|\band$|\bfor$|inspection- inspection|neutrali[sz]er|run outs|\bdrag$",
)
_MAINTIE_RULES = [
    (re.compile(r"air ?con|aircon|\ba/c\b", re.I), "HVAC"),
    (re.compile(r"horn|brake|tyre|tire|seat|steering|alternator|starter|engine|transmission|radiator|mast|"
                r"fuel|batter|wheel|hoist|fork", re.I), "FLT"),
    (re.compile(r"compressor", re.I), "COMP"),
]
_SITE_TAGS = {
    "brookfield": {"HVAC": ["HVAC-B1"], "FLT": ["FLT-B1", "FLT-B2"], "COMP": ["COMP-B1"]},
    "calder": {"HVAC": ["HVAC-C1"], "FLT": ["FLT-C1"], "COMP": ["COMP-C1"]},
    "dunmore": {"HVAC": ["HVAC-D1"], "FLT": ["FLT-D1"], "COMP": ["COMP-D1"]},
}
_FM_RULES = [
    (r"leak", "LEAKAGE"),
    (r"overheat|too hot|\bhot\b|temperature high|high temp", "OVERHEATING"),
    (r"nois|vibrat", "NOISE/VIBRATION"),
    (r"\bworn\b|wear", "WEAR"),
    (r"broken|crack|damage|snapped|bent|blown|missing", "DAMAGE"),
    (r"block|plugged|clog", "BLOCKAGE"),
    (r"sensor|gauge", "SENSOR FAULT"),
    (r"electric|wiring|fuse|light|alternator|batter|charg|voltage", "ELECTRICAL"),
    (r"not working|unserviceable|u/s|fault|fail|inoperative|doesn't work|does not work|stuck|intermittent", "BREAKDOWN"),
]
_ACTIONS = {
    "LEAKAGE": ["traced leak, replaced seal and fittings, cleaned up, no leak on test",
                "tightened fittings, replaced damaged hose, topped up fluid, checked OK"],
    "OVERHEATING": ["cleaned cooling fins and radiator, checked coolant level and fan, temperature normal on test"],
    "NOISE/VIBRATION": ["checked bearings and mountings, replaced worn bearing, noise gone on test"],
    "WEAR": ["replaced worn parts, adjusted, returned to service"],
    "DAMAGE": ["replaced damaged part, checked adjacent components, returned to service",
               "repaired damage, inspected surrounding parts, returned to service"],
    "BLOCKAGE": ["cleared blockage, replaced filters, tested OK"],
    "SENSOR FAULT": ["replaced faulty sensor, checked wiring, reading OK"],
    "ELECTRICAL": ["traced electrical fault, repaired connector and wiring, replaced fuse, tested OK",
                   "checked supply and wiring, replaced failed electrical part, tested OK"],
    "BREAKDOWN": ["diagnosed fault, replaced failed component, function tested OK",
                  "repaired and function tested OK"],
    "OTHER": ["work completed as requested, equipment returned to service"],
}

# fmt: on


def _failure_mode(text: str, entities: list) -> str:
    for pattern, mode in _FM_RULES:
        if re.search(pattern, text, re.I):
            return mode
    types = {e["type"] for e in entities}
    if "State/UndesirableState/FailedState" in types:
        return "BREAKDOWN"
    if "State/UndesirableState/DegradedState" in types:
        return "WEAR"
    return "OTHER"


def maintie_candidates(path: Path) -> list[tuple[str, str, str]]:
    """(text without <id>, equipment group, failure mode) for usable MaintIE gold texts, in file order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out, seen = [], set()
    for rec in data:
        text = rec["text"]
        if not text.startswith("<id> "):
            continue
        text = text[len("<id> ") :].strip().lstrip("- ").strip()
        if (
            "<" in text
            or _MAINTIE_JUNK.search(text)
            or _MAINTIE_SKIP.search(text)
            or text.lower() in seen
            or len(text) < 10
        ):
            continue
        group = next((g for rx, g in _MAINTIE_RULES if rx.search(text)), None)
        if group is None:
            continue
        seen.add(text.lower())
        out.append((text, group, _failure_mode(text, rec["entities"])))
    return out


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def split_maintie(maintie: list) -> dict[str, list]:
    """Deal the MaintIE candidates to the sites in a fixed 5:3:1 pattern (brookfield:calder:dunmore)."""
    pattern = ["brookfield"] * 5 + ["calder"] * 3 + ["dunmore"]
    out: dict[str, list] = {"brookfield": [], "calder": [], "dunmore": []}
    for i, cand in enumerate(maintie):
        out[pattern[i % len(pattern)]].append(cand)
    return out


def build_work_orders(
    site: str, prefix: str, plant_rows: list, maintie: list, n_maintie: int
) -> list[list[str]]:
    """Merge plant rows and MaintIE rows into one date-ordered export with sequential WO ids."""
    rows = [(r[0], 0, i, list(r[1:])) for i, r in enumerate(plant_rows)]
    if len(maintie) < n_maintie:
        raise ValueError(f"{site}: only {len(maintie)} MaintIE rows available, {n_maintie} wanted")
    picked = maintie[:n_maintie]
    tags = _SITE_TAGS[site]
    counters: dict[str, int] = {}
    start = dt.date(2025, 1, 6)
    for i, (text, group, mode) in enumerate(picked):
        day = _weekday(start + dt.timedelta(days=round(i * 300 / max(1, n_maintie))))
        k = counters.get(group, 0)
        counters[group] = k + 1
        asset = tags[group][k % len(tags[group])]
        actions = _ACTIONS[mode]
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
    wb.properties.lastModifiedBy = "scripts/build_sample_docs.py"
    wb.properties.title = "Calder work orders 2025"
    wb.properties.created = FIXED_DATETIME
    wb.properties.modified = FIXED_DATETIME
    wb.save(str(path))
    normalize_zip(path)


# --------------------------------------------------------------------------------------------
# Shift handover e-mail
# --------------------------------------------------------------------------------------------


def build_eml(path: Path, wo_valve14: str, wo_glue: str, wo_conv4: str) -> None:
    body = f"""Day shift,

Handover from night shift (Sun 2 Nov 22:00 to Mon 3 Nov 06:00), Lines 1 and 2.

SAFETY
- No injuries, no near misses.
- OPEN LOCKOUT: CONV-4 is locked out at MCC-1 bucket 04 for the drive chain change ({wo_conv4}).
  My red lock is still on. Day shift technician must fit their own lock before I take mine off
  (BRK-SOP-001, shift change). Chain is fitted but not yet tensioned.

LINE 2 (Lemon Sparkle 500 mL)
- Output 168,400 bottles. Two F310 infeed jams on FILLER-2 (23:40 and 03:15), both cleared with
  jam hook JH-2, not in the same hour.
- OPEN ISSUE: FILLER-2 valve 14 is dripping again after fill, about one drip per second. Same valve
  as the January job. I raised {wo_valve14}. Stores has 2 x O-ring kit FV-14-OR left.
  Plan is to fit the kit at the 10:00 flavour change under lockout. Please run the first-off fill
  check on valve 14 after the repair.
- CAPPER-1: 02:30 torque check head 9 read 1.1 Nm (limit 1.2 to 2.0 Nm). Re-checked 3 bottles from
  head 9: 1.4, 1.5 and 1.4 Nm, all OK. Keep an eye on head 9.
- LABELLER-2: glue hose 2 temperature dipped to 148 C twice (setpoint 160 C). Alarm reset both
  times, labels OK. Raised {wo_glue}.
- CONV-3: new gearbox GB-3 surface temperature 61 C at 04:00 (raise a WO above 75 C). Oil level OK.

LINE 1 (Still water 1.5 L)
- FILLER-1 CIP program 2 done 23:00 to 01:15. Caustic titre before start 50.5 mL = 2.02%.
  SV-3 closed and capped. Quality swabs of 4 valves due on first production this morning.

PAL-1
- No issues. Stretch film roll changed at 04:30.

Dan Okafor
Night Shift Lead, Brookfield
Ext. 2214
"""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "Dan Okafor <d.okafor@brookfield.halden-industries.example>"
    msg["To"] = "Brookfield Day Shift <brk-dayshift@halden-industries.example>"
    msg["Cc"] = "Brookfield Maintenance <brk-maintenance@halden-industries.example>"
    msg["Subject"] = (
        "Shift handover Lines 1/2 - night 2-3 Nov: FILLER-2 valve 14 dripping, CONV-4 locked out"
    )
    msg["Date"] = "Mon, 03 Nov 2025 05:52:00 +0000"
    msg["Message-ID"] = "<handover-20251103-night@brookfield.halden-industries.example>"
    msg.set_content(body, cte="8bit")
    path.write_bytes(msg.as_bytes())


# --------------------------------------------------------------------------------------------
# Metadata scan, validation and README document table
# --------------------------------------------------------------------------------------------

SITE_PREFIX = {"all": "ALL", "brookfield": "BRK", "calder": "CAL", "dunmore": "DUN"}
ROLES = {"operator", "technician", "quality", "admin"}


def read_meta(path: Path) -> dict:
    import yaml

    if path.suffix == ".md":
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            raise ValueError(f"{path}: Markdown file without YAML front matter")
        end = text.index("\n---\n", 4)
        return yaml.safe_load(text[4:end])
    side = Path(str(path) + ".meta.yaml")
    if not side.exists():
        raise ValueError(f"{path}: missing sidecar {side.name}")
    return yaml.safe_load(side.read_text(encoding="utf-8"))


def scan_documents() -> list[dict]:
    docs = []
    for site in SITES:
        for doc_type in DOC_TYPES:
            folder = SD / site / doc_type
            if not folder.is_dir():
                continue
            for p in sorted(folder.iterdir()):
                if p.name.endswith(".meta.yaml") or p.name.startswith("."):
                    continue
                m = read_meta(p)
                for key in ("doc_id", "title", "revision", "effective_date"):
                    if key not in m:
                        raise ValueError(f"{p}: metadata lacks {key}")
                if not isinstance(m["revision"], str):
                    raise ValueError(f"{p}: revision must be a string")
                if not isinstance(m["effective_date"], dt.date):
                    raise ValueError(f"{p}: effective_date must be an ISO date")
                if not m["doc_id"].startswith(SITE_PREFIX[site] + "-"):
                    raise ValueError(f"{p}: doc_id {m['doc_id']} does not match site {site}")
                audience = m.get("audience")
                if audience is not None and not set(audience) <= ROLES:
                    raise ValueError(f"{p}: unknown role in audience {audience}")
                docs.append(
                    {
                        "path": p.relative_to(SD).as_posix(),
                        "site": site,
                        "doc_type": doc_type,
                        **m,
                        "audience_eff": audience or DEFAULT_AUDIENCE[doc_type],
                        "audience_set": audience is not None,
                    }
                )
    by_id: dict[str, list[dict]] = {}
    for d in docs:
        by_id.setdefault(d["doc_id"], []).append(d)
    for doc_id, group in by_id.items():
        revs = [d["revision"] for d in group]
        if len(set(revs)) != len(revs):
            raise ValueError(f"{doc_id}: two files with the same revision")
        if len({(d["site"], d["doc_type"]) for d in group}) != 1:
            raise ValueError(f"{doc_id}: revisions in different folders")
    return docs


def update_readme(docs: list[dict]) -> None:
    readme = SD / "README.md"
    text = readme.read_text(encoding="utf-8")
    begin, end = "<!-- BEGIN DOCUMENT TABLE -->", "<!-- END DOCUMENT TABLE -->"
    lines = [
        begin,
        "",
        "| path | doc_id | site | doc_type | revision | effective_date | audience |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in sorted(docs, key=lambda d: d["path"]):
        aud = ", ".join(d["audience_eff"]) + ("" if d["audience_set"] else " (default)")
        lines.append(
            f"| `{d['path']}` | {d['doc_id']} | {d['site']} | {d['doc_type']} | {d['revision']} | "
            f"{d['effective_date']} | {aud} |"
        )
    lines += [
        "",
        f"{len(docs)} files, {len({d['doc_id'] for d in docs})} distinct doc_ids.",
        "",
        end,
    ]
    i, j = text.index(begin), text.index(end) + len(end)
    readme.write_text(text[:i] + "\n".join(lines) + text[j:], encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def find_maintie(arg: str | None) -> Path:
    candidates = [
        arg,
        os.environ.get("MAINTIE_GOLD"),
        ROOT.parent / "shared/datasets/maintie/gold_release.json",
        "/work/shared/datasets/maintie/gold_release.json",
    ]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    sys.exit("MaintIE gold_release.json not found; pass --maintie PATH")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--maintie", help="path to MaintIE gold_release.json")
    ap.add_argument("--check", action="store_true", help="only validate metadata, generate nothing")
    args = ap.parse_args(argv)

    if not args.check:
        for manual in MANUALS:
            path = SD / manual["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            build_pdf(path, manual)
            write_meta(path, manual["meta"])

        path = SD / DOCX_SOP["path"]
        build_docx(path, DOCX_SOP)
        write_meta(path, DOCX_SOP["meta"])

        maintie = split_maintie(maintie_candidates(find_maintie(args.maintie)))
        brk = build_work_orders("brookfield", "BRK", BRK_ROWS, maintie["brookfield"], 72)
        cal = build_work_orders("calder", "CAL", CAL_ROWS, maintie["calder"], 42)
        dun = build_work_orders("dunmore", "DUN", DUN_ROWS, maintie["dunmore"], 14)

        def assets(rows):
            return sorted({r[1] for r in rows})

        p = SD / "brookfield/work_order/brk-cmms-export-2025.csv"
        write_csv(p, brk)
        write_meta(
            p,
            {
                "doc_id": "BRK-WO-2025",
                "title": "Brookfield CMMS work-order export 2025",
                "revision": "2025-11-15",
                "effective_date": "2025-11-15",
                "assets": assets(brk),
            },
        )
        p = SD / "calder/work_order/cal-cmms-export-2025.xlsx"
        write_xlsx(p, cal, "WorkOrders")
        write_meta(
            p,
            {
                "doc_id": "CAL-WO-2025",
                "title": "Calder CMMS work-order export 2025",
                "revision": "2025-11-15",
                "effective_date": "2025-11-15",
                "assets": assets(cal),
            },
        )
        p = SD / "dunmore/work_order/dun-cmms-export-2025.csv"
        write_csv(p, dun)
        write_meta(
            p,
            {
                "doc_id": "DUN-WO-2025",
                "title": "Dunmore CMMS work-order export 2025",
                "revision": "2025-11-15",
                "effective_date": "2025-11-15",
                "assets": assets(dun),
            },
        )

        def wo_for(rows, symptom):
            return next(r[0] for r in rows if r[3] == symptom)

        p = SD / "brookfield/incident/brk-handover-2025-11-03.eml"
        build_eml(
            p,
            wo_for(brk, "FILLER-2 valve 14 dripping again"),
            wo_for(brk, "LABELLER-2 glue hose 2 temp dipping to 148C"),
            wo_for(brk, "CONV-4 drive chain worn, replace"),
        )
        write_meta(
            p,
            {
                "doc_id": "BRK-HANDOVER-2025-11-03",
                "title": "Shift handover e-mail Brookfield night shift 2-3 Nov 2025",
                "revision": "1",
                "effective_date": "2025-11-03",
                "assets": [
                    "FILLER-2",
                    "FILLER-1",
                    "CAPPER-1",
                    "LABELLER-2",
                    "CONV-3",
                    "CONV-4",
                    "PAL-1",
                ],
            },
        )
        print(
            f"work orders: brookfield {len(brk)}, calder {len(cal)}, dunmore {len(dun)} "
            f"(total {len(brk) + len(cal) + len(dun)})"
        )

    docs = scan_documents()
    update_readme(docs)
    print(
        f"{len(docs)} documents, {len({d['doc_id'] for d in docs})} doc_ids; README table updated"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
