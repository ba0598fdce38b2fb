"""Asset-history answers: "how often has P-302 leaked this year?", "what fixed the last CONV-3
gearbox failure?". The count and the dates come from the asset's work-order rows and incident
records (``services.assets``), never from generated text; every listed row is cited by row.

The asker sees only records their scope may read; when none of the asset's work orders or
incidents are readable, the answer abstains without saying whether any exist.
"""

from __future__ import annotations

from datetime import date

from core.answers import Answer, Citation, HistoryFacts
from core.assets import LinkedRecord
from core.db.engine import Database
from core.models import AccessScope, DocType
from services.asset_questions import (
    HistoryQuery,
    find_tag,
    matches_topic,
    parse_history,
    stems_of,
)
from services.assets import is_corrective, load_links, resolver_for, scoped_records
from services.equipment import same_equipment_elsewhere

ANSWERER = "asset-history"
MAX_LISTED = 10
_EVENTS = {DocType.WORK_ORDER.value, DocType.INCIDENT.value}


def _in_period(record: LinkedRecord, query: HistoryQuery) -> bool:
    if query.period is None:
        return True
    return record.when is not None and query.period.start <= record.when <= query.period.end


def _matches(record: LinkedRecord, query: HistoryQuery) -> bool:
    is_order = record.doc_type == DocType.WORK_ORDER.value
    if is_order and query.corrective_only and not is_corrective(record):
        return False
    text = f"{record.failure_mode} {record.summary} {record.action}"
    return matches_topic(stems_of(text if is_order else f"{text} {record.title}"), query.topic)


def _citation(n: int, record: LinkedRecord) -> Citation:
    if record.doc_type == DocType.WORK_ORDER.value:
        snippet = f"{record.record_id} {record.when} {record.failure_mode}: {record.summary}"
        snippet += f" | action: {record.action}" if record.action else ""
    else:
        snippet = f"{record.doc_id} {record.title} ({record.when})"
    return Citation(
        n=n,
        chunk_id=record.chunk_id or "",
        doc_id=record.doc_id,
        title=record.title,
        site=record.site,
        doc_type=record.doc_type,
        revision=record.revision,
        effective_date=record.effective_date,
        section=record.section,
        page=record.page,
        row=record.row,
        snippet=snippet,
        score=1.0,
        source_path=record.source_path,
    )


def _criterion(query: HistoryQuery) -> str:
    parts = []
    if query.topic_words:
        quoted = " and ".join(f"'{w}'" for w in query.topic_words)
        parts.append(f"mentioning {quoted} (failure mode, symptom or action)")
    if query.corrective_only:
        parts.append("corrective (not planned maintenance)")
    return ", ".join(parts) or "all records"


def _line(record: LinkedRecord, n: int) -> str:
    if record.doc_type == DocType.INCIDENT.value:
        return f"- {record.when} incident {record.doc_id}: {record.title} [{n}]"
    action = f" Action: {record.action}." if record.action else ""
    status = f" ({record.status})" if record.status and record.status != "CLOSED" else ""
    return f"- {record.when} {record.record_id} {record.failure_mode}: {record.summary}.{action}{status} [{n}]"


def _newest(records: list[LinkedRecord]) -> list[LinkedRecord]:
    return sorted(records, key=lambda r: (r.when or date.min, r.row or 0), reverse=True)


def compose(query: HistoryQuery, site: str, records: list[LinkedRecord]) -> Answer:
    """The answer text, row citations and checkable figures for the matching records."""
    hits = _newest([r for r in records if _in_period(r, query) and _matches(r, query)])
    orders = [r for r in hits if r.doc_type == DocType.WORK_ORDER.value]
    incidents = [r for r in hits if r.doc_type == DocType.INCIDENT.value]
    period = query.period.label if query.period else "in all indexed records"
    head = (
        f"{query.tag}: {len(orders)} work order(s) and {len(incidents)} incident record(s) "
        f"{period}, {_criterion(query)}."
    )
    listed = (incidents + orders)[:MAX_LISTED]
    citations = [_citation(n, r) for n, r in enumerate(listed, start=1)]
    lines = [_line(r, c.n) for r, c in zip(listed, citations, strict=True)]
    more = len(hits) - len(listed)
    if more > 0:
        lines.append(f"- ... and {more} older record(s) (see the asset page)")
    latest = next((r for r in orders if r.action and is_corrective(r)), None)
    tail = []
    if latest is not None:
        n = next(c.n for r, c in zip(listed, citations, strict=True) if r is latest)
        tail.append(f"Latest fix: {latest.when} {latest.record_id}: {latest.action} [{n}]")
    if not hits:
        lines = ["No matching records."]
    facts = HistoryFacts(
        site=site,
        tag=query.tag,
        count=len(orders),
        incident_count=len(incidents),
        criterion=_criterion(query),
        period=period,
        latest_date=hits[0].when if hits else None,
    )
    text = "\n".join([head, *lines, *tail])
    return Answer(
        answer=text, abstained=False, citations=citations, answerer=ANSWERER, history=facts,
        assets=[query.tag], support_score=1.0,
    )  # fmt: skip


def _abstain(tag: str) -> Answer:
    return Answer(
        answer=f"I cannot answer this from the records you may read about {tag}.",
        abstained=True,
        answerer=ANSWERER,
        assets=[tag],
    )


def answer_history(
    db: Database, scope: AccessScope, site: str, question: str, today: date
) -> Answer | None:
    """The history answer of ``question`` at ``site``, or None when it is not a history
    question about a known asset of the site, or a question about a past event that no
    record matches (the normal answer path takes both)."""
    with db.session() as session:
        resolver = resolver_for(session, site)
    query = parse_history(question, resolver.spellings(), today)
    if query is None:
        return None
    _, tag, records = scoped_records(db, scope, site, query.tag)
    query = query.model_copy(update={"tag": tag})
    events = [r for r in records if r.doc_type in _EVENTS]
    if not events and _has_events(db, site, resolver.keys_of(tag)):
        return _abstain(tag)
    if not query.count and not any(_in_period(r, query) and _matches(r, query) for r in events):
        return None  # nothing in the rows: the documents may still say (normal answer path)
    answer = compose(query, site, events)
    notice = same_equipment_elsewhere(db, scope, site, tag)
    return answer.model_copy(update={"notices": [notice.message()] if notice else []})


def _has_events(db: Database, site: str, keys: set[str]) -> bool:
    """Whether the asset has work orders or incidents at all (never told to the asker)."""
    with db.session() as session:
        return any(doc.doc_type in _EVENTS for _, doc in load_links(session, [site], keys))


def mentioned_assets(db: Database, site: str, question: str) -> list[str]:
    """Canonical tags of the site that the question names (for asset links and notices)."""
    with db.session() as session:
        spellings = resolver_for(session, site).spellings()
    found = find_tag(question, spellings)
    return [found[0]] if found else []


def with_asset_context(
    db: Database, scope: AccessScope, site: str, question: str, answer: Answer
) -> Answer:
    """Add the asset the question names (linked to its page) and its cross-site notice."""
    tags = mentioned_assets(db, site, question)
    if not tags:
        return answer
    notices = [n.message() for t in tags if (n := same_equipment_elsewhere(db, scope, site, t))]
    return answer.model_copy(update={"assets": tags, "notices": notices})
