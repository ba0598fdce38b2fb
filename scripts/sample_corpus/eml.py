"""The shift-handover e-mail of the sample corpus (Brookfield night shift, 2-3 Nov 2025) as an .eml file.

The handover is the corpus's one RFC 822 message: plain text with fixed headers, so a rebuild is
byte-identical. It cites open work orders by number, and those numbers come from the Brookfield
work-order export, so the e-mail is built after the exports and looks its WO numbers up by symptom.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from pathlib import Path

from .common import SD, write_meta

_BODY = """\
Day shift,

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

_META = {
    "doc_id": "BRK-HANDOVER-2025-11-03",
    "title": "Shift handover e-mail Brookfield night shift 2-3 Nov 2025",
    "revision": "1",
    "effective_date": "2025-11-03",
    "assets": ["FILLER-2", "FILLER-1", "CAPPER-1", "LABELLER-2", "CONV-3", "CONV-4", "PAL-1"],
}


def build_eml(path: Path, wo_valve14: str, wo_glue: str, wo_conv4: str) -> None:
    """Write the handover e-mail to ``path``, citing the three given work-order numbers."""
    body = _BODY.format(wo_valve14=wo_valve14, wo_glue=wo_glue, wo_conv4=wo_conv4)
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


def build_handover(brk_rows: list[list[str]]) -> None:
    """Build the e-mail and its sidecar from the Brookfield export rows (for the WO numbers)."""

    def wo_for(symptom: str) -> str:
        return next(r[0] for r in brk_rows if r[3] == symptom)

    path = SD / "brookfield/incident/brk-handover-2025-11-03.eml"
    build_eml(
        path,
        wo_for("FILLER-2 valve 14 dripping again"),
        wo_for("LABELLER-2 glue hose 2 temp dipping to 148C"),
        wo_for("CONV-4 drive chain worn, replace"),
    )
    write_meta(path, _META)
