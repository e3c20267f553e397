"""The HTML export: one self-contained page that opens and prints offline.

The page is rendered from the Jinja2 templates in `templates/` (`report.html.j2`, its macros in
`macros.html.j2`, the stylesheet `report.css.j2`), loaded from the installed package, never from
the working folder. Autoescape is on, and every value is escaped with `html.escape` (as
`escape.html_text`, like the rest of the board); only http(s) URLs become links.

Everything is inline: the styles, the Vega / Vega-Lite / Vega-Embed bundle (from vl-convert) and
the chart specifications (built by `charts` from the same frames as the app's charts). A
Content-Security-Policy lets only this page's own scripts run and forbids every request, so
nothing can leave the machine. Chart JSON is embedded so that no data string can end its <script>
element.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from functools import lru_cache
from typing import Any, NamedTuple

import altair as alt
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_eval_context, select_autoescape
from jinja2.nodes import EvalContext
from markupsafe import Markup

from indicators.presentation import chart_data, charts
from indicators.reports import escape
from indicators.reports import wording as w
from indicators.reports.escape import script_json
from indicators.reports.snapshot import Snapshot
from indicators.workspace import vocab
from indicators.workspace.gc_pause import gc_paused
from indicators.workspace.model import safe_url
from indicators.workspace.parse_cache import cache_dir

CHART_WIDTH = 680  # px: fits A4 portrait inside 14 mm margins (the SVG also scales down)
TEMPLATE = "report.html.j2"


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


class Chart(NamedTuple):
    """One chart of the report: its element id, heading, caption, Vega-Lite specification, and the
    section it belongs in."""

    id: str
    heading: str
    caption: str
    spec: dict[str, Any]
    place: str = "trends"


def _indication_points(snap: Snapshot) -> list[dict[str, Any]]:
    """Every indication in the snapshot, with its indicator's theme and title (timeline points)."""
    return [{"date": o.date, "theme": i.theme, "indicator": i.id, "title": i.title, "summary": o.summary,
             "source": o.source, "grade": o.grade} for i in snap.indicators for o in i.indications]


def chart_specs(snap: Snapshot) -> list[Chart]:
    """The charts the snapshot has data for, from the frames and builders that draw the app's charts."""
    out: list[tuple[str, str, str, alt.TopLevelMixin]] = []
    levels = chart_data.level_chart_frame([p.model_dump(mode="json") for p in snap.level_history],
                                      titles={s.id: s.title for s in snap.scenarios},
                                      labels={level.name: level.label for level in snap.levels})
    if not levels.empty:
        chart = charts.level_history(levels, [lv.label for lv in snap.levels], [lv.colour for lv in snap.levels])
        out.append(("chart-levels", "Warning level over time",
                    "Each scenario's warning level at the end of each month, from its indicators' statuses.", chart))
    composition = chart_data.composition_chart_frame([c.model_dump(mode="json") for c in snap.status_history])
    if not composition.empty:
        out.append(("chart-composition", "Status composition over time",
                    "How many indicators were not observed, emerging, observed or negated at each month end.",
                    charts.status_composition(composition)))
    timeline, binned = chart_data.timeline_chart_frame(_indication_points(snap))
    if not timeline.empty:
        out.append(("chart-timeline", "Indications over time",
                    "Each mark is a dated indication, one row per theme." if not binned else
                    "Indications per week and theme.", charts.indication_timeline(timeline, binned)))
    made = [Chart(cid, head, caption, chart.properties(width=CHART_WIDTH).to_dict())
            for cid, head, caption, chart in out]
    calibration = chart_data.calibration_frame(snap.track.model_dump(mode="json"))
    if not calibration.empty:
        made.append(Chart("chart-calibration", "Calibration",
                          "For each estimative term, the share of its scored judgments that came true (point, sized "
                          "by how many) against the term's band (grey bar); the dashed line is perfect calibration.",
                          charts.calibration(calibration).properties(width=CHART_WIDTH).to_dict(), "track"))
    return made


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


# ----------------------------------------------------------------------------- templates


@pass_eval_context
def _finalize(eval_ctx: EvalContext, value: object) -> object:
    """What every `{{ value }}` prints: None as nothing; in HTML templates, text escaped with
    `html.escape` (quotes as `&quot;` and `&#x27;`, as everywhere on the board) and markup as is."""
    if value is None:
        return ""
    if not eval_ctx.autoescape or hasattr(value, "__html__"):
        return value
    return Markup(_html(value))


def _chip(text: object, colour: str, title: str | None = None, cls: str = "chip") -> Markup:
    """`escape.chip` for the templates: its HTML is built with every part escaped."""
    return Markup(escape.chip(text, colour, title, cls=cls))


def _html(value: object) -> str:
    """A value as `{{ value }}` prints it: markup as is, text escaped, None as nothing."""
    return value.__html__() if hasattr(value, "__html__") else escape.html_text(value)


def _tlp_chip(marking: object) -> Markup:
    """The TLP label of an item that carries its own marking (TLP 2.0 style); nothing for the others.
    (A function, not a macro: the report calls it for each of its tens of thousands of rows.)"""
    if not marking:
        return Markup("")
    term = vocab.MARKING.term(marking)
    return Markup(f' <span class="tlp-chip" style="color:{_html(term.colour)}" title="{_html(term.description)}">'
                  f"{_html(term.label)}</span>")


def _link(text: object, url: object) -> Markup:
    """An <a> to an http(s) URL, opened apart and without referrer; the text alone for any other URL."""
    target = safe_url(url)
    if not target:
        return Markup(_html(text))
    return Markup(f'<a href="{_html(target)}" rel="noopener noreferrer" target="_blank">{_html(text)}</a>')


def _anchor(ident: str) -> str:
    """The id of an indicator's section: `ind-` and the id, anything unusual as `_`."""
    return "ind-" + re.sub(r"[^A-Za-z0-9_.-]", "_", ident)


def _css_string(text: str) -> str:
    """A CSS string literal (for @page margin boxes); only vocabulary text reaches it, escaped anyway."""
    return '"' + re.sub(r'["\\\n\r]', lambda m: f"\\{ord(m.group(0)):x} ", text) + '"'


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the report: the package's templates, autoescaped (not the stylesheet)."""
    env = Environment(
        loader=PackageLoader("indicators.reports", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), disabled_extensions=("css.j2",),
                                     default_for_string=True, default=True),
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(w=w, CONFIDENCE=vocab.CONFIDENCE, LIKELIHOOD=vocab.LIKELIHOOD, MARKING=vocab.MARKING,
                       OUTCOME=vocab.OUTCOME, ASSUMPTION_STATUS=vocab.ASSUMPTION_STATUS,
                       RATING=vocab.RATING, STATUS=vocab.STATUS, WATCH=vocab.WATCH, TREND=vocab.TREND,
                       grade_meaning=vocab.grade_meaning,
                       text_colour=vocab.text_colour, chip=_chip, tlp_chip=_tlp_chip, link=_link, anchor=_anchor,
                       safe_colour=escape.safe_colour)
    return env


def render_html(snap: Snapshot) -> str:
    """The snapshot as one self-contained HTML page (no request leaves the page)."""
    with gc_paused():  # hundreds of thousands of short-lived strings and dicts, none garbage until the page is done
        specs = chart_specs(snap)
        scripts = [vega_bundle(), RENDER_SCRIPT] if specs else []
        allowed = f"script-src {' '.join(_sha256(script) for script in scripts)} 'unsafe-eval'; " if scripts else ""
        csp = (f"default-src 'none'; {allowed}style-src 'unsafe-inline'; img-src data:; font-src 'none'; "
               "connect-src 'none'; base-uri 'none'; form-action 'none'")
        page = vocab.MARKING.term(snap.marking)
        return environment().get_template(TEMPLATE).render(
            snap=snap,
            charts=specs,
            # Markup: the page's own policy and scripts (no data text; chart JSON made safe by script_json)
            csp=Markup(csp),
            chart_specs=Markup(script_json({c.id: c.spec for c in specs})),
            scripts=[Markup(script) for script in scripts],
            page_label=_css_string(page.label),
            page_colour=page.colour,
            page_width=f"{len(page.label) * 2 + 6}mm",  # 9pt monospace: about 2 mm a character
        )
