"""Warning notices as text, JSON-ready data and an Atom feed (RFC 4287) a feed reader can follow.

The feed carries what RFC 4287 requires: the feed's id, title, updated and author; each entry's id,
title, updated and a link (to the board page showing it, at `base_url`). Ids are tag URIs built
from the workspace's title and each notice's stable key, so a reader sees a notice once.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from indicators.reports.escape import xml_text
from indicators.scoring.notices import Notice
from indicators.workspace.vocab import MARKING

ATOM = "http://www.w3.org/2005/Atom"
DEFAULT_BASE_URL = "http://127.0.0.1:8501"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "board"


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def notice_link(notice: Notice, base_url: str = DEFAULT_BASE_URL) -> str:
    """The board page that shows the notice on its date: the Overview for a scenario, else the indicator."""
    base = base_url.rstrip("/")
    query = {"as_of": notice.date.isoformat()}
    if notice.kind in ("level", "judgment"):
        return f"{base}/?{urlencode(query)}"
    return f"{base}/indicator?{urlencode({'indicator': notice.subject, **query})}"


def atom_feed(found: Sequence[Notice], *, title: str, marking: str, as_of: dt.date,
              base_url: str = DEFAULT_BASE_URL) -> str:
    """The notices as an Atom 1.0 document (UTF-8 text), newest first, marked in the feed's title."""
    ET.register_namespace("", ATOM)
    tag = f"tag:indicators-board,2024:{quote(_slug(title))}"
    feed = ET.Element(f"{{{ATOM}}}feed")
    label = MARKING.label(marking)
    ET.SubElement(feed, f"{{{ATOM}}}id").text = tag
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{label} — {title}: warning notices"
    newest = max((n.date for n in found), default=as_of)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = f"{title} (indicator board)"
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=base_url.rstrip("/") + "/")
    ET.SubElement(feed, f"{{{ATOM}}}rights").text = f"{label}: handle as marked"
    for notice in sorted(found, key=lambda n: (n.date, n.key), reverse=True):
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{tag}/{quote(notice.key)}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{notice.subject}: {notice.text}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(notice.date)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=notice_link(notice, base_url))
        summary = f"{notice.title}. {notice.text}."
        if notice.evidence:
            summary += f" Evidence: {', '.join(notice.evidence)}."
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = f"[{label}] {summary}"
    for element in feed.iter():  # one place for every text and attribute: the document is always well-formed
        element.text = None if element.text is None else xml_text(element.text)
        for name, value in list(element.attrib.items()):
            element.set(name, xml_text(value))
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def format_notices(data: dict[str, Any]) -> str:
    """What `indicators alerts` prints: the heading and one line per notice."""
    lines = [f"{data['workspace']} — {MARKING.label(data['marking'])} — notices from {data['since']} to "
             f"{data['as_of']}"]
    for n in data["notices"]:
        evidence = f"  [{', '.join(n['evidence'])}]" if n["evidence"] else ""
        lines.append(f"  {n['date']}  {n['kind']:<12} {n['subject']:<18} {n['text']}{evidence}")
    count = len(data["notices"])
    lines.append(f"{count} notice{'' if count == 1 else 's'}" if count else "no notices")
    return "\n".join(lines) + "\n"


def alerts_report(ws: Any, since: dt.date, as_of: dt.date, marking: str | None = None) -> tuple[dict[str, Any],
                                                                                               list[Notice]]:
    """The notices of (since, as_of] for readers of `marking` (default: everything), as plain data headed
    by the highest marking of what they rest on, and the notices themselves (for a feed).

    Computed on what the readers may see (`markings.releasable`); a marking below the workspace's is
    refused (`ExportRefused`), as for an export."""
    from indicators.reports.markings import check_marking, highest_present, releasable
    from indicators.reports.snapshot import snapshot_marking
    from indicators.scoring.notices import notices

    limit = check_marking(ws, marking, verb="list the notices") if marking is not None else highest_present(ws)
    view, withheld = releasable(ws, limit, as_of)
    found = notices(view, since, as_of)
    shown = snapshot_marking(view, as_of, since)
    data = {"workspace": ws.meta.title, "marking": shown.value, "made_for": MARKING.member(limit).value,
            "since": since.isoformat(), "as_of": as_of.isoformat(), "withheld": withheld.total,
            "notices": [n.to_dict() for n in found]}
    return data, found
