"""The HTML export: one self-contained page that opens and prints offline.

Everything is inline: the styles, the Vega / Vega-Lite / Vega-Embed bundle (from vl-convert) and
the chart specifications (built by `charts` from the snapshot). A Content-Security-Policy lets
only this page's own scripts run and forbids every request, so nothing can leave the machine.
Every piece of data text is escaped with `html.escape`; only http(s) URLs become links; chart
JSON is embedded so that no data string can end its <script> element.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from functools import lru_cache
from typing import Any

import altair as alt

from indicators.scoring import charts, frames
from indicators.reports import wording as w
from indicators.reports.escape import chip, safe_colour, script_json
from indicators.reports.escape import html_text as e
from indicators.workspace.parse_cache import cache_dir
from indicators.reports.snapshot import IndicatorOut, ScenarioOut, Snapshot
from indicators.workspace.model import safe_url
from indicators.workspace.vocab import CONFIDENCE, LIKELIHOOD, MARKING, RATING, STATUS, TREND, grade_meaning, text_colour

CHART_WIDTH = 680  # px: fits A4 portrait inside 14 mm margins (the SVG also scales down)


def tlp_chip(marking: object) -> str:
    """The TLP label of an item carrying its own marking (TLP 2.0 style); empty for items without one."""
    if not marking:
        return ""
    term = MARKING.term(marking)
    return f' <span class="tlp-chip" style="color:{term.colour}" title="{e(term.description)}">{e(term.label)}</span>'


def link(text: object, url: str | None) -> str:
    """`<a>` to an http(s) URL (opened apart, no referrer); the escaped text alone for anything else."""
    target = safe_url(url)
    if target is None:
        return e(text)
    return f'<a href="{e(target)}" rel="noopener noreferrer" target="_blank">{e(text)}</a>'


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script, safe to put inside <script>.

    vl-convert takes seconds to build it, so it is kept in memory and in the user cache folder
    (keyed on the vl-convert and Vega-Lite versions; safe to delete, rebuilt when missing).
    """
    import vl_convert

    wanted = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    version = wanted if wanted in vl_convert.get_vegalite_versions() else None
    kept = cache_dir() / f"vega-bundle-{getattr(vl_convert, '__version__', 'x')}-{version or 'default'}.js"
    try:
        return kept.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle(vl_version=version)
    bundle = re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)
    bundle = bundle.replace("<!--", "<\\!--")  # neither may appear raw inside <script> (none does today)
    try:
        kept.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=kept.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(bundle)
        os.replace(tmp, kept)
    except OSError:  # a read-only home must not stop the export
        pass
    return bundle


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


# ----------------------------------------------------------------------------- charts


def _indication_points(snap: Snapshot) -> list[dict[str, Any]]:
    """Every indication in the snapshot, with its indicator's theme and title (timeline points)."""
    return [{"date": o.date, "theme": i.theme, "indicator": i.id, "title": i.title, "summary": o.summary,
             "source": o.source, "grade": o.grade} for i in snap.indicators for o in i.indications]


def chart_specs(snap: Snapshot) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(element id, heading, caption, Vega-Lite spec) of each chart the snapshot has data for, from the
    frames and builders that draw the app's charts."""
    out = []
    levels = frames.level_chart_frame([p.model_dump(mode="json") for p in snap.level_history],
                                      titles={s.id: s.title for s in snap.scenarios},
                                      labels={level.name: level.label for level in snap.levels})
    if not levels.empty:
        chart = charts.level_history(levels, [lv.label for lv in snap.levels], [lv.colour for lv in snap.levels])
        out.append(("chart-levels", "Warning level over time",
                    "Each scenario's warning level at the end of each month, from its indicators' statuses.", chart))
    composition = frames.composition_chart_frame([c.model_dump(mode="json") for c in snap.status_history])
    if not composition.empty:
        out.append(("chart-composition", "Status composition over time",
                    "How many indicators were not observed, emerging, observed or negated at each month end.",
                    charts.status_composition(composition)))
    timeline, binned = frames.timeline_chart_frame(_indication_points(snap))
    if not timeline.empty:
        out.append(("chart-timeline", "Indications over time",
                    "Each mark is a dated indication, one row per theme." if not binned else
                    "Indications per week and theme.", charts.indication_timeline(timeline, binned)))
    return [(cid, head, caption, chart.properties(width=CHART_WIDTH).to_dict()) for cid, head, caption, chart in out]


# ----------------------------------------------------------------------------- sections


def _banner(snap: Snapshot, where: str) -> str:
    term = MARKING.term(snap.marking)
    return (f'<div class="tlp-banner tlp-{where}" role="note" aria-label="Traffic Light Protocol marking">'
            f'<span class="tlp-label" style="color:{term.colour}">{e(term.label)}</span>'
            f'<span class="tlp-text">{e(term.description)}</span></div>')


def _header(snap: Snapshot) -> str:
    warning = w.errors_text(snap)
    withheld_cls = "withheld some" if snap.withheld.total else "withheld"
    parts = [
        f"<h1>{e(snap.title)}</h1>",
        f'<p class="question">{e(snap.question)}</p>',
        '<dl class="meta">',
        f"<div><dt>As of</dt><dd><time datetime=\"{snap.as_of}\">{snap.as_of:%d %B %Y}</time></dd></div>",
        f"<div><dt>Changes since</dt><dd><time datetime=\"{snap.since}\">{snap.since:%d %B %Y}</time></dd></div>",
        f"<div><dt>Generated</dt><dd>{e(w.generated_text(snap))}</dd></div>",
        f"<div><dt>Made for</dt><dd>{e(w.made_for_label(snap))} "
        f"<span class=\"muted\">(workspace {e(MARKING.label(snap.workspace_marking))})</span></dd></div>",
        "</dl>",
        f'<p class="{withheld_cls}">{e(w.withheld_text(snap))}</p>',
    ]
    if warning:
        parts.append(f'<p class="warning">{e(warning)}</p>')
    return "\n".join(parts)


def _scenario(snap: Snapshot, s: ScenarioOut) -> str:
    colour = w.level_colour(snap, s.level)
    level = chip(w.level_label(snap, s.level), colour, "Warning level")
    trend = chip(TREND.label(s.trend), TREND.colour(s.trend), TREND.term(s.trend).description, cls="chip trend")
    j = s.judgment
    if j:
        judged = (f'<p class="judgment">{chip(LIKELIHOOD.label(j.likelihood), LIKELIHOOD.colour(j.likelihood), w.likelihood_range(j))} '
                  f'<span class="muted">({e(w.likelihood_range(j))})</span> · {e(CONFIDENCE.label(j.confidence))} confidence · '
                  f'judged {j.date} by {e(j.analyst)}{tlp_chip(j.marking)}</p>'
                  f'<p class="rationale">{e(j.rationale)}</p>')
    else:
        judged = '<p class="judgment muted">No likelihood judgment yet.</p>'
    description = f'<p class="description muted small">{e(s.description)}</p>' if s.description else ""
    return (f'<article class="scenario" style="border-left-color:{safe_colour(colour)}">'
            f'<h3><span class="id">{e(s.id)}</span> {e(s.title)}</h3>{description}'
            f'<p class="level">{level} {trend} <span class="muted">warning score {e(w.score_text(s))}</span></p>'
            f"{judged}</article>")


def _counts(snap: Snapshot) -> str:
    c = snap.counts
    boxes = [(STATUS.label(v), c.get(v, 0), STATUS.colour(v)) for v in ("observed", "emerging", "negated")]
    boxes += [("Overdue", c.get("overdue", 0), "#555555"), ("Stale", c.get("stale", 0), "#8a8f98")]
    cells = "".join(f'<div class="stat" style="border-top-color:{colour}"><span class="n">{n}</span>'
                    f'<span class="what">{e(label)}</span></div>' for label, n, colour in boxes)
    return f'<div class="stats">{cells}</div><p class="muted">{e(w.counts_text(snap))}</p>'


def _changes(snap: Snapshot) -> str:
    if not snap.changes:
        return '<p class="muted">Nothing changed in this period.</p>'
    rows = "".join(
        f"<tr><td class=\"date\">{c.date}</td><td>{e(w.change_kind(c.kind))}</td>"
        f"<td class=\"id\">{_subject_link(snap, c.subject)}{tlp_chip(c.marking)}</td><td>{e(c.title)}</td>"
        f"<td>{e(c.detail)}</td></tr>"
        for c in snap.changes)
    return ('<table class="changes"><thead><tr><th>Date</th><th>Kind</th><th>Subject</th><th>Title</th>'
            f"<th>What changed</th></tr></thead><tbody>{rows}</tbody></table>")


def _anchor(prefix: str, ident: str) -> str:
    return prefix + re.sub(r"[^A-Za-z0-9_.-]", "_", ident)


def _subject_link(snap: Snapshot, subject: str) -> str:
    if any(i.id == subject for i in snap.indicators):
        return f'<a href="#{_anchor("ind-", subject)}">{e(subject)}</a>'
    return e(subject)


def _flags(i: IndicatorOut) -> str:
    out = []
    if i.overdue:
        out.append('<span class="flag overdue" title="Past its expected-by date and still not observed">overdue</span>')
    if i.stale:
        out.append('<span class="flag stale" title="Not reassessed within the review cadence">stale</span>')
    return " ".join(out)


def _checklist(snap: Snapshot) -> str:
    if not snap.indicators:
        return '<p class="muted">No indicators.</p>'
    sids = [s.id for s in snap.scenarios]
    head = "".join(f'<th class="rating" title="{e(s.title)}"><span>{e(s.id)}</span></th>' for s in snap.scenarios)
    rows = []
    for i in snap.indicators:
        ratings = "".join(
            (f'<td class="rating" style="background:{RATING.colour(i.ratings[sid])};color:{text_colour(RATING.colour(i.ratings[sid]))}" '
             f'title="{e(sid)}: {e(RATING.label(i.ratings[sid]))}">{e(i.ratings[sid].value)}</td>')
            if sid in i.ratings else '<td class="rating"></td>' for sid in sids)
        rows.append(
            f'<tr><td class="id"><a href="#{_anchor("ind-", i.id)}">{e(i.id)}</a>{tlp_chip(i.marking)}</td>'
            f'<td>{e(i.title)}<div class="muted small">{e(i.theme)}</div></td>'
            f'<td>{chip(STATUS.label(i.status), STATUS.colour(i.status))} {_flags(i)}'
            f'{tlp_chip(i.assessment_marking)}</td>'
            f"<td>{e(w.confidence_label(i))}</td><td class=\"date\">{i.last_assessed or 'never'}</td>"
            f'{ratings}<td class="num">{len(i.indications)}</td></tr>')
    legend = " ".join(chip(f"{r.value} {RATING.label(r).lower()}", RATING.colour(r)) for r in RATING)
    return ('<table class="checklist"><thead><tr><th>ID</th><th>Indicator</th><th>Status</th><th>Confidence</th>'
            f'<th>Last assessed</th>{head}<th class="num" title="Indications up to the as-of date">Ind.</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<p class="legend small">Ratings — how likely the indicator is to appear if the scenario is true: {legend}</p>')


def _indicator(snap: Snapshot, i: IndicatorOut) -> str:
    reason = f": {e(i.rationale)}" if i.rationale else ""
    cites = f' <span class="muted">(cites {e(", ".join(i.cites))})</span>' if i.cites else ""
    meta = [f"Theme {e(i.theme)}", f"priority {e(i.priority.value)}"]
    if i.expected_by:
        meta.append(f"expected by {i.expected_by}")
    if i.actors:
        meta.append("actors: " + e(", ".join(i.actors)))
    parts = [f'<article class="indicator" id="{_anchor("ind-", i.id)}">',
             f'<h3><span class="id">{e(i.id)}</span> {e(i.title)} {chip(STATUS.label(i.status), STATUS.colour(i.status))} '
             f"{_flags(i)}{tlp_chip(i.marking)}</h3>",
             f'<p class="small muted">{"; ".join(meta)}</p>',
             f'<p class="criteria"><strong>Observed when:</strong> {e(i.criteria)}</p>',
             f'<p class="assessment">{e(w.assessment_head(i))}{reason}{cites}{tlp_chip(i.assessment_marking)}</p>']
    if i.indications:
        shown, rest = w.shown_indications(i)
        values = any(o.value is not None for o in shown)
        rows = "".join(
            f'<tr><td class="date">{o.date}</td><td class="summary">{e(o.summary)}</td><td>{link(o.source, o.url)}</td>'
            f'<td class="grade"><abbr title="{e(grade_meaning(o.reliability, o.credibility))}">{e(o.grade)}</abbr></td>'
            + (f"<td>{e(w.value_text(o))}</td>" if values else "")
            + f'<td class="id small">{e(o.id)}{tlp_chip(o.marking)}</td></tr>' for o in shown)
        parts.append('<table class="indications"><thead><tr><th>Date</th><th>Summary</th><th>Source</th>'
                     '<th title="Admiralty grade: source reliability A–F, information credibility 1–6">Grade</th>'
                     + ("<th>Value</th>" if values else "") + f"<th>ID</th></tr></thead><tbody>{rows}</tbody></table>")
        if rest:
            parts.append(f'<p class="muted small">{e(rest)}</p>')
    else:
        parts.append(f'<p class="muted small">No indications up to {snap.as_of}.</p>')
    parts.append("</article>")
    return "".join(parts)


def _sources(snap: Snapshot) -> str:
    if not snap.sources:
        return ""
    items = "".join(
        f"<li>{link(s.title, s.url)}" + "".join(f" — {e(x)}" for x in (s.publisher, s.date) if x) + "</li>"
        for s in snap.sources)
    return f'<section id="sources"><h2>Sources</h2><ul>{items}</ul></section>'


def _charts_section(specs: list[tuple[str, str, str, dict[str, Any]]], snap: Snapshot) -> str:
    if not specs:
        return '<section id="trends"><h2>Trends</h2><p class="muted">No history to chart yet.</p></section>'
    figures = "".join(
        f'<figure class="chart"><div class="vis" id="{cid}" role="img" aria-label="{e(head)}"></div>'
        f"<figcaption>{e(caption)}</figcaption></figure>" for cid, head, caption, _ in specs)
    note = ('<noscript><p class="warning">The charts need JavaScript; the tables of this report carry the same '
            "information.</p></noscript>")
    return f'<section id="trends"><h2>Trends to {snap.as_of}</h2>{note}{figures}</section>'


RENDER_SCRIPT = """(function () {
  var specs = JSON.parse(document.getElementById("chart-specs").textContent);
  Object.keys(specs).forEach(function (id) {
    var el = document.getElementById(id);
    if (!el || typeof vegaEmbed !== "function") { return; }
    vegaEmbed(el, specs[id], {actions: false, renderer: "svg", mode: "vega-lite"}).then(function () {
      el.setAttribute("data-drawn", "true");
    }).catch(function (err) {
      el.textContent = "This chart could not be drawn: " + err;
    });
  });
})();"""


def render_html(snap: Snapshot) -> str:
    """The snapshot as one self-contained HTML page (no request leaves the page)."""
    specs = chart_specs(snap)
    bundle = vega_bundle() if specs else ""
    scripts = [bundle, RENDER_SCRIPT] if specs else []
    csp = ("default-src 'none'; " + (f"script-src {' '.join(_sha256(s) for s in scripts)} 'unsafe-eval'; " if scripts else "")
           + "style-src 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none'; base-uri 'none'; "
           "form-action 'none'")
    title = f"{w.marking_label(snap)} — {snap.title} — as of {snap.as_of}"
    body = [
        _banner(snap, "top"),
        "<main>",
        _header(snap),
        '<section id="scenarios"><h2>Scenarios</h2>',
        "".join(_scenario(snap, s) for s in snap.scenarios) or '<p class="muted">No scenarios are defined.</p>',
        "</section>",
        f'<section id="indicators"><h2>Indicators</h2>{_counts(snap)}</section>',
        f'<section id="changes"><h2>What changed since {snap.since:%d %B %Y}</h2>{_changes(snap)}</section>',
        _charts_section(specs, snap),
        f'<section id="checklist"><h2>Checklist</h2>{_checklist(snap)}</section>',
        '<section id="indications"><h2>Indicators and their indications</h2>',
        "".join(_indicator(snap, i) for i in snap.indicators),
        "</section>",
        _sources(snap),
        f'<p class="colophon muted small">{e(snap.title)} — board as of {snap.as_of}, generated '
        f"{e(w.generated_text(snap))}. {e(w.withheld_text(snap))}</p>",
        "</main>",
        _banner(snap, "bottom"),
    ]
    if specs:
        body.append(f'<script type="application/json" id="chart-specs">{script_json({cid: spec for cid, _, _, spec in specs})}</script>')
        body += [f"<script>{script}</script>" for script in scripts]
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{_css(snap)}</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
        "",
    ])


def _css_string(text: str) -> str:
    """A CSS string literal (for @page margin boxes); only vocabulary text reaches it, escaped anyway."""
    return '"' + re.sub(r'["\\\n\r]', lambda m: "\\%x " % ord(m.group(0)), text) + '"'


def _css(snap: Snapshot) -> str:
    term = MARKING.term(snap.marking)
    label = _css_string(term.label)
    width = f"{len(term.label) * 2 + 6}mm"  # 9pt monospace: about 2 mm a character
    return CSS.replace("__TLP_LABEL__", label).replace("__TLP_COLOUR__", term.colour).replace("__TLP_WIDTH__", width)


CSS = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6270; --rule: #d7dbe2; --soft: #f4f6f9; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
       "Noto Sans", "Liberation Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 0 24px 24px; }
h1 { font-size: 1.9em; margin: 0.6em 0 0.2em; line-height: 1.2; }
h2 { font-size: 1.3em; margin: 1.6em 0 0.5em; padding-bottom: 0.2em; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05em; margin: 0 0 0.35em; }
p { margin: 0.35em 0; }
a { color: #0b5cad; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.small { font-size: 0.85em; }
.id { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em;
      white-space: nowrap; }
h3 .id { color: var(--muted); margin-right: 0.3em; }
.question { font-style: italic; font-size: 1.05em; max-width: 60em; }
.tlp-banner { display: flex; align-items: center; gap: 12px; max-width: 1040px; margin: 0 auto; padding: 8px 24px;
              font-size: 0.85em; color: var(--muted); }
.tlp-top { border-bottom: 1px solid var(--rule); }
.tlp-bottom { border-top: 1px solid var(--rule); margin-top: 24px; }
.tlp-label { background: #000; font: 700 13px/1 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
             letter-spacing: 0.05em; padding: 5px 10px; border-radius: 3px; white-space: nowrap;
             -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.tlp-chip { background: #000; font: 700 0.72em/1 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
            padding: 2px 5px; border-radius: 2px; white-space: nowrap; vertical-align: 1px;
            -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0.8em 0; }
.meta div { display: flex; gap: 6px; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; font-weight: 600; }
.withheld { padding: 6px 10px; border-left: 4px solid var(--rule); background: var(--soft); }
.withheld.some { border-left-color: #000; font-weight: 600; }
.warning { padding: 6px 10px; border-left: 4px solid #c62828; background: #fdecea; }
.chip { display: inline-block; padding: 1px 8px; border-radius: 9px; font-weight: 600; font-size: 0.85em;
        white-space: nowrap; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.scenario { border: 1px solid var(--rule); border-left: 6px solid; border-radius: 4px; padding: 10px 14px;
            margin: 10px 0; break-inside: avoid; }
.scenario .level .chip, .scenario .judgment .chip { margin-right: 4px; }
.rationale, .summary, .assessment, .criteria, .description { white-space: pre-line; }
.rationale { margin-top: 4px; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.stat { border: 1px solid var(--rule); border-top: 5px solid; border-radius: 4px; padding: 6px 14px; min-width: 96px;
        -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.stat .n { display: block; font-size: 1.6em; font-weight: 700; line-height: 1.1; }
.stat .what { color: var(--muted); font-size: 0.85em; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 0.9em; }
th, td { text-align: left; vertical-align: top; padding: 4px 6px; border-bottom: 1px solid var(--rule); }
th { border-bottom: 2px solid var(--ink); font-weight: 600; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.date { white-space: nowrap; }
td.num, th.num { text-align: right; }
th.rating, td.rating { width: 2.1em; text-align: center; padding: 3px 2px; font-size: 0.85em;
                       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
td.rating { border-bottom: 1px solid #fff; }
th.rating { vertical-align: bottom; }
th.rating span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-size: 0.9em;
                 max-height: 13em; overflow: hidden; text-overflow: ellipsis; }
.flag { display: inline-block; font-size: 0.78em; font-weight: 600; padding: 0 5px; border-radius: 3px;
        border: 1px solid currentColor; text-transform: uppercase; letter-spacing: 0.03em; }
.flag.overdue { color: #b3261e; }
.flag.stale { color: var(--muted); }
.legend .chip { font-weight: 500; margin: 2px 2px; }
figure.chart { margin: 14px 0 22px; break-inside: avoid; }
figure.chart figcaption { color: var(--muted); font-size: 0.85em; }
.vis { min-height: 60px; }
.vis svg { max-width: 100%; height: auto; }
.indicator { border-top: 1px solid var(--rule); padding: 10px 0 4px; }
.indicator h3 .chip { margin-left: 4px; vertical-align: 1px; }
.indications td.summary { min-width: 18em; }
td.grade abbr { text-decoration: none; border-bottom: 1px dotted var(--muted); }
.colophon { margin-top: 2em; }
@page {
  size: A4 portrait;
  margin: 16mm 13mm 16mm 13mm;
  @top-center { content: __TLP_LABEL__; color: __TLP_COLOUR__; background: #000; font: 700 9pt monospace;
                text-align: center; width: __TLP_WIDTH__; height: 6mm; margin: 6mm 0 4mm; padding: 0 2mm;
                -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @bottom-center { content: __TLP_LABEL__; color: __TLP_COLOUR__; background: #000; font: 700 9pt monospace;
                   text-align: center; width: __TLP_WIDTH__; height: 6mm; margin: 4mm 0 6mm; padding: 0 2mm;
                   -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt sans-serif; color: #555; }
}
@media print {
  body { font-size: 9.5pt; }
  main { max-width: none; padding: 0; }
  .tlp-banner { padding: 0 0 4px; }
  .tlp-bottom { padding: 4px 0 0; }
  h2 { break-after: avoid; margin-top: 1.2em; }
  h3, .scenario h3 { break-after: avoid; }
  .withheld { background: none; }
  .warning { background: none; }
  a { color: inherit; text-decoration: underline; }
  .indicator > h3, .indicator > p { break-after: avoid; }
  table { font-size: 8.5pt; }
}
"""
