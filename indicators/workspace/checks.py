"""Cross-object validation as rules: each a small function of one scope, listed in `RULES` with the
problem codes it can emit, and run by a thin driver (`check_references`).

Scopes, in the order the driver walks them (which is the order problems are reported in):

    cross-file          an indication id used before (anywhere): reported, not indexed nor checked
    indication          each indication as it is indexed (in bulk, only those with a source id or withdrawal)
    indicator           each indicator
    dated indication    each indication of an indicator whose dated entries may have something to report
    assessment          each assessment of such an indicator
    scenario            each scenario, before its judgments
    judgment            each judgment of a scenario
    scenario record     each scenario, after its judgments (resolution, key assumptions)
    workspace           the workspace once (access lists)

Adding a rule is one function and one line of `RULES`. What a check works out from one list alone
(an indicator's indications indexed, its assessments checked against them) goes through `Reuse`, so a
reload after editing one file works it out for that file alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from indicators.workspace.access import check_access
from indicators.workspace.entries import dated_ids, watch_start
from indicators.workspace.loaded import WORKSPACE_FILE, Workspace
from indicators.workspace.located import Located
from indicators.workspace.model import Indicator
from indicators.workspace.problems import Code, Problem, Severity, display_path
from indicators.workspace.vocab import AssumptionStatus


class Reuse:
    """What the loads of a folder worked out from the lists they met (a file's indicators, an indicator's
    indications and assessments), reused while the same list objects come back: an unchanged file comes
    from the parse cache as the same objects, so a reload after editing one file works these out for that
    file alone. It also keeps the last cross-file check (`last_check`)."""

    def __init__(self) -> None:
        self._last: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        self._now: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}
        # the day, the file models and the cross-file problems of the last check
        self.last_check: tuple[dt.date, tuple[Any, ...], list[Problem]] | None = None

    def get(self, what: Any, compute: Callable[[], Any], *inputs: list[Any]) -> Any:
        """`compute()`, or what it gave for these very `inputs` lists last time (`what` names the result)."""
        key = (what, *map(id, inputs))
        hit = self._last.get(key) or self._now.get(key)
        same = hit is not None and all(a is b for a, b in zip(hit[0], inputs))
        value = hit[1] if same else compute()
        self._now[key] = (inputs, value)  # holding the lists keeps their ids from being taken by others
        return value

    def done(self) -> None:
        """After a check: what the loads since the last one met is what the next ones may reuse."""
        self._last, self._now = self._now, {}


@dataclass
class _Indications:
    """An indicator's indications, indexed: the part of the cross-file check that depends on them alone."""

    dates: dict[str, dt.date]  # id -> date
    home: dict[str, str]  # id -> the indicator's id
    withdrawn: set[str]
    unique: bool  # no id twice in the list
    notable: list[Any]  # those with a source id or a withdrawal, the only ones with checks of their own


@dataclass
class _Assessed:
    """An indicator's assessments checked against its own indications alone."""

    latest: dt.date | None  # the newest date among its indications and assessments (a future one is reported)
    # nothing to report when its indications are its own in the workspace: no assessment withdrawn before its
    # date, no review that changes the status, and every citation of one of its own indications, dated on or
    # before the assessment and not withdrawn (unless the assessment is)
    clean: bool


def _assessed(indicator: Indicator) -> _Assessed:
    own = {o.id: o for o in indicator.indications}
    dates = [o.date for o in indicator.indications] + [a.date for a in indicator.assessments]
    return _Assessed(max(dates, default=None), all(_assessment_clean(indicator.assessments, i, own)
                                                   for i in range(len(indicator.assessments))))


def _assessment_clean(assessments: list[Any], index: int, own: dict[str, Any]) -> bool:
    assessment = assessments[index]
    if assessment.withdrawn is not None and assessment.withdrawn.date < assessment.date:
        return False
    if assessment.review:
        before = _standing_before(assessments, index)
        if before is not None and (before.status, before.confidence) != (assessment.status, assessment.confidence):
            return False
    for cited in assessment.cites:
        indication = own.get(cited)
        if indication is None or indication.date > assessment.date or (
                indication.withdrawn is not None and assessment.withdrawn is None):
            return False
    return True


def _indexed(indicator: Indicator) -> _Indications:
    dates = {o.id: o.date for o in indicator.indications}
    return _Indications(dates, dict.fromkeys(dates, indicator.id),
                        {o.id for o in indicator.indications if o.withdrawn is not None},
                        len(dates) == len(indicator.indications),
                        [o for o in indicator.indications if o.source_id is not None or o.withdrawn is not None])


@dataclass
class Context:
    """What the rules of one check share: the workspace, where to locate, and the cross-file indexes
    the driver fills as it walks (indication ids, ladder rungs)."""

    workspace: Workspace
    located: Located
    today: dt.date
    memo: Reuse
    scenario_ids: set[str] = field(default_factory=set)
    source_ids: set[str] = field(default_factory=set)
    indication_dates: dict[str, dt.date] = field(default_factory=dict)  # indication id -> date
    indication_home: dict[str, str] = field(default_factory=dict)  # indication id -> its indicator's id
    withdrawn_indications: set[str] = field(default_factory=set)
    in_bulk: set[str] = field(default_factory=set)  # indicators whose indications are all theirs (no id used before)
    rungs: dict[tuple[str, int], str] = field(default_factory=dict)  # (ladder, rung) -> the indicator on it

    def __post_init__(self) -> None:
        self.scenario_ids = set(self.workspace.scenario_by_id)
        self.source_ids = {s.id for s in self.workspace.meta.sources}

    def problem(self, indicator_id: str, loc: tuple[Any, ...], code: Code, message: str, hint: str,
                severity: Severity = Severity.ERROR) -> Problem:
        """A problem at `loc` inside an indicator, located in its file."""
        path = self.workspace.files_by_indicator[indicator_id].path
        pos = self.located.in_indicator(path, indicator_id, *loc)
        return Problem(display_path(path, self.workspace.root), pos.line, pos.column, code, message, hint, severity)

    def indication_loc(self, indicator_id: str, indication_id: str, occurrence: int = 0) -> tuple[Any, ...]:
        """The location of an indication inside its indicator."""
        path = self.workspace.files_by_indicator[indicator_id].path
        return ("indications", self.located.list_index(path, indicator_id, "indications", indication_id, occurrence))

    def in_meta(self, loc: tuple[Any, ...], code: Code, message: str, hint: str,
                severity: Severity = Severity.ERROR) -> Problem:
        """A problem at `loc` in `workspace.yaml`."""
        meta_path = self.workspace.root / WORKSPACE_FILE
        pos = self.located.pos(meta_path, *loc)
        return Problem(display_path(meta_path, self.workspace.root), pos.line, pos.column, code, message, hint,
                       severity)

    def index(self, indicator: Indicator, indication: Any) -> None:
        """Record one indication in the cross-file indexes."""
        self.indication_dates[indication.id] = indication.date
        self.indication_home[indication.id] = indicator.id
        if indication.withdrawn is not None:
            self.withdrawn_indications.add(indication.id)

    def index_bulk(self, indicator: Indicator, indexed: _Indications) -> None:
        """Record an indicator's indications at once (none of their ids was used before)."""
        self.in_bulk.add(indicator.id)
        self.indication_dates.update(indexed.dates)
        self.indication_home.update(indexed.home)
        self.withdrawn_indications.update(indexed.withdrawn)


@dataclass
class ScenarioAt:
    """A scenario, its index in `workspace.yaml` and its judgments' names."""

    index: int
    scenario: Any
    names: list[str]

    def problem(self, c: Context) -> Callable[..., Problem]:
        """`in_meta` for a location inside this scenario."""
        return lambda loc, *rest: c.in_meta(("scenarios", self.index, *loc), *rest)


# --- cross-file -----------------------------------------------------------------------------------------

def _duplicate_indication(c: Context, indicator: Indicator, indication: Any, occurrence: int) -> Iterator[Problem]:
    if indication.id in c.indication_dates:
        yield c.problem(indicator.id, (*c.indication_loc(indicator.id, indication.id, occurrence), "id"),
                        Code.DUPLICATE_ID,
                        f"indication id {indication.id!r} is already used in {c.indication_home[indication.id]}",
                        "number indications uniquely, e.g. the next free SAT-01.N")


# --- indication (as indexed) ----------------------------------------------------------------------------

def _unknown_source(c: Context, indicator: Indicator, indication: Any) -> Iterator[Problem]:
    if indication.source_id is not None and indication.source_id not in c.source_ids:
        yield c.problem(indicator.id, (*c.indication_loc(indicator.id, indication.id), "source_id"),
                        Code.UNKNOWN_SOURCE, f"{indication.id} cites source {indication.source_id!r}, "
                        "which is not listed under the workspace's sources",
                        f"sources are: {', '.join(sorted(c.source_ids)) or '(none)'}")


def _indication_withdrawn_early(c: Context, indicator: Indicator, indication: Any) -> Iterator[Problem]:
    if indication.withdrawn is not None and indication.withdrawn.date < indication.date:
        yield c.problem(indicator.id, (*c.indication_loc(indicator.id, indication.id), "withdrawn"),
                        *_withdrawn_early(indication.id, indication.withdrawn.date, indication.date))


# --- indicator ------------------------------------------------------------------------------------------

def _indicator_life_span(c: Context, indicator: Indicator) -> list[Problem]:
    return _life_span_problems(indicator, lambda *loc: c.problem(indicator.id, *loc))


def _ladder(c: Context, indicator: Indicator) -> Iterator[Problem]:
    if (indicator.ladder is None) != (indicator.rung is None):
        yield c.problem(indicator.id, ("ladder" if indicator.ladder else "rung",), Code.LADDER_INCOMPLETE,
                        f"{indicator.id} has a {'ladder' if indicator.ladder else 'rung'} but no "
                        f"{'rung' if indicator.ladder else 'ladder'}", Code.LADDER_INCOMPLETE.hint)
    elif indicator.ladder is not None and indicator.rung is not None:
        taken = c.rungs.setdefault((indicator.ladder, indicator.rung), indicator.id)
        if taken != indicator.id:
            yield c.problem(indicator.id, ("rung",), Code.LADDER_RUNG_TAKEN,
                            f"{indicator.id} and {taken} are both rung {indicator.rung} of the "
                            f"{indicator.ladder} ladder", Code.LADDER_RUNG_TAKEN.hint, Severity.WARNING)


def _unknown_related(c: Context, indicator: Indicator) -> Iterator[Problem]:
    for k, related in enumerate(indicator.related):
        if related not in c.workspace.indicator_by_id:
            yield c.problem(indicator.id, ("related", k), Code.UNKNOWN_RELATED,
                            f"related indicator {related!r} does not exist", "list ids of indicators in the workspace")


def _unknown_rated_scenario(c: Context, indicator: Indicator) -> Iterator[Problem]:
    for scenario_id in indicator.ratings:
        if scenario_id not in c.scenario_ids and c.scenario_ids:
            yield c.problem(indicator.id, ("ratings", scenario_id, "[key]"), Code.UNKNOWN_SCENARIO,
                            f"rating against unknown scenario {scenario_id!r}",
                            f"scenarios are: {', '.join(sorted(c.scenario_ids))}")


def _missing_rating(c: Context, indicator: Indicator) -> Iterator[Problem]:
    missing = sorted(s for s in c.scenario_ids - set(indicator.ratings)
                     if _lives_meet(indicator, c.workspace.scenario_by_id[s]))
    if missing:
        yield c.problem(indicator.id, ("ratings",), Code.MISSING_RATING,
                        f"{indicator.id} is not rated against {', '.join(missing)}",
                        "add a rating (HL, L, C, U or HU) for each scenario; "
                        "until then it does not count toward that scenario", Severity.WARNING)


def _series(c: Context, indicator: Indicator) -> Iterator[Problem]:
    for indication_id, where, code, message in c.memo.get("series", lambda: _series_findings(indicator),
                                                          indicator.indications):
        yield c.problem(indicator.id, (*c.indication_loc(indicator.id, indication_id), where), code, message,
                        code.hint)


# --- dated indication -----------------------------------------------------------------------------------

def _indication_in_future(c: Context, indicator: Indicator, indication: Any) -> Iterator[Problem]:
    if indication.date > c.today:
        yield c.problem(indicator.id, (*c.indication_loc(indicator.id, indication.id), "date"),
                        *_future(indication.date, c.today))


# --- assessment -----------------------------------------------------------------------------------------

def _assessment_in_future(c: Context, indicator: Indicator, i: int, names: list[str]) -> Iterator[Problem]:
    assessment = indicator.assessments[i]
    if assessment.date > c.today:
        yield c.problem(indicator.id, ("assessments", i, "date"), *_future(assessment.date, c.today))


def _assessment_withdrawn_early(c: Context, indicator: Indicator, i: int, names: list[str]) -> Iterator[Problem]:
    assessment = indicator.assessments[i]
    if assessment.withdrawn is not None and assessment.withdrawn.date < assessment.date:
        yield c.problem(indicator.id, ("assessments", i, "withdrawn"),
                        *_withdrawn_early(names[i], assessment.withdrawn.date, assessment.date))


def _review_changes_status(c: Context, indicator: Indicator, i: int, names: list[str]) -> Iterator[Problem]:
    assessment = indicator.assessments[i]
    if not assessment.review:
        return
    before = _standing_before(indicator.assessments, i)
    if before is not None and (before.status, before.confidence) != (assessment.status, assessment.confidence):
        yield c.problem(indicator.id, ("assessments", i, "review"), Code.REVIEW_CHANGES_STATUS,
                        f"review {names[i]} says {assessment.status.value} "
                        f"({assessment.confidence.value} confidence), but "
                        f"{before.status.value} ({before.confidence.value}) stood before it",
                        Code.REVIEW_CHANGES_STATUS.hint, Severity.WARNING)


def _citations(c: Context, indicator: Indicator, i: int, names: list[str]) -> Iterator[Problem]:
    assessment = indicator.assessments[i]
    for j, cited in enumerate(assessment.cites):
        found = _citation_problem(c, indicator, i, names, cited)
        if found is not None:
            yield c.problem(indicator.id, ("assessments", i, "cites", j), *found)


def _citation_problem(c: Context, indicator: Indicator, i: int, names: list[str],
                      cited: str) -> tuple[Any, ...] | None:
    """What is wrong with one citation (code, message, hint[, severity]), or None."""
    assessment = indicator.assessments[i]
    if cited not in c.indication_dates:
        return (Code.UNKNOWN_INDICATION, f"cites unknown indication {cited!r}",
                "cite the id of an indication recorded in the workspace")
    if cited in c.withdrawn_indications and assessment.withdrawn is None:
        return (Code.CITES_WITHDRAWN, f"{names[i]} cites {cited!r}, which was withdrawn",
                Code.CITES_WITHDRAWN.hint, Severity.WARNING)
    home = c.indication_home[cited]
    if home != indicator.id and home not in indicator.related:
        return (Code.CITES_OTHER_INDICATOR, f"cites {cited!r}, an indication of {home}",
                Code.CITES_OTHER_INDICATOR.hint)
    if c.indication_dates[cited] > assessment.date:
        return (Code.CITES_LATER_INDICATION,
                f"assessment dated {assessment.date} cites {cited!r}, dated {c.indication_dates[cited]}",
                "an assessment can only rest on what was known on its date: "
                "fix one of the dates or drop the citation")
    return None


# --- scenario, judgment ---------------------------------------------------------------------------------

def _scenario_life_span(c: Context, s: ScenarioAt) -> list[Problem]:
    return _life_span_problems(s.scenario, s.problem(c))


def _judgment_in_future(c: Context, s: ScenarioAt, j_index: int) -> Iterator[Problem]:
    judgment = s.scenario.judgments[j_index]
    if judgment.date > c.today:
        yield c.in_meta(("scenarios", s.index, "judgments", j_index, "date"), *_future(judgment.date, c.today))


def _judgment_withdrawn_early(c: Context, s: ScenarioAt, j_index: int) -> Iterator[Problem]:
    judgment = s.scenario.judgments[j_index]
    if judgment.withdrawn is not None and judgment.withdrawn.date < judgment.date:
        yield c.in_meta(("scenarios", s.index, "judgments", j_index, "withdrawn"),
                        *_withdrawn_early(s.names[j_index], judgment.withdrawn.date, judgment.date))


def _resolution(c: Context, s: ScenarioAt) -> list[Problem]:
    return _resolution_problems(s.scenario, s.names, c.today, s.problem(c))


def _assumptions(c: Context, s: ScenarioAt) -> list[Problem]:
    return _assumption_problems(s.scenario, c.today, s.problem(c))


# --- workspace ------------------------------------------------------------------------------------------

def _access(c: Context) -> Iterator[Problem]:
    for finding in check_access(c.workspace.meta.access):  # every name under caps listed (else: closed)
        yield c.in_meta(("access", *finding.loc), finding.code, finding.message, finding.hint, finding.severity)


# --- the table and the driver ---------------------------------------------------------------------------

CROSS_FILE, INDICATION, INDICATOR = "cross-file", "indication", "indicator"
DATED_INDICATION, ASSESSMENT = "dated indication", "assessment"
SCENARIO, JUDGMENT, SCENARIO_RECORD, WORKSPACE = "scenario", "judgment", "scenario record", "workspace"


@dataclass(frozen=True)
class Rule:
    """One validation rule: its scope (which decides its arguments and when it runs), the function, and
    the problem codes it can emit."""

    scope: str
    check: Callable[..., Iterable[Problem]]
    codes: tuple[Code, ...]


RULES: tuple[Rule, ...] = (
    Rule(CROSS_FILE, _duplicate_indication, (Code.DUPLICATE_ID,)),
    Rule(INDICATION, _unknown_source, (Code.UNKNOWN_SOURCE,)),
    Rule(INDICATION, _indication_withdrawn_early, (Code.WITHDRAWN_BEFORE_ENTRY,)),
    Rule(INDICATOR, _indicator_life_span, (Code.RETIRED_BEFORE_ADDED,)),
    Rule(INDICATOR, _ladder, (Code.LADDER_INCOMPLETE, Code.LADDER_RUNG_TAKEN)),
    Rule(INDICATOR, _unknown_related, (Code.UNKNOWN_RELATED,)),
    Rule(INDICATOR, _unknown_rated_scenario, (Code.UNKNOWN_SCENARIO,)),
    Rule(INDICATOR, _missing_rating, (Code.MISSING_RATING,)),
    Rule(INDICATOR, _series, (Code.DUPLICATE_INDICATION, Code.UNIT_MISMATCH)),
    Rule(DATED_INDICATION, _indication_in_future, (Code.FUTURE_DATE,)),
    Rule(ASSESSMENT, _assessment_in_future, (Code.FUTURE_DATE,)),
    Rule(ASSESSMENT, _assessment_withdrawn_early, (Code.WITHDRAWN_BEFORE_ENTRY,)),
    Rule(ASSESSMENT, _review_changes_status, (Code.REVIEW_CHANGES_STATUS,)),
    Rule(ASSESSMENT, _citations, (Code.UNKNOWN_INDICATION, Code.CITES_WITHDRAWN, Code.CITES_OTHER_INDICATOR,
                                  Code.CITES_LATER_INDICATION)),
    Rule(SCENARIO, _scenario_life_span, (Code.RETIRED_BEFORE_ADDED,)),
    Rule(JUDGMENT, _judgment_in_future, (Code.FUTURE_DATE,)),
    Rule(JUDGMENT, _judgment_withdrawn_early, (Code.WITHDRAWN_BEFORE_ENTRY,)),
    Rule(SCENARIO_RECORD, _resolution, (Code.FUTURE_DATE, Code.RESOLVED_BEFORE_JUDGED, Code.JUDGED_AFTER_RESOLUTION)),
    Rule(SCENARIO_RECORD, _assumptions, (Code.DUPLICATE_ID, Code.FUTURE_DATE, Code.ASSUMPTION_CHECKS_ORDER,
                                         Code.ASSUMPTION_WITHOUT_RATIONALE)),
    Rule(WORKSPACE, _access, tuple(Code)),  # check_access's findings carry codes of their own
)

_BY_SCOPE: dict[str, tuple[Callable[..., Iterable[Problem]], ...]] = {
    scope: tuple(rule.check for rule in RULES if rule.scope == scope)
    for scope in (CROSS_FILE, INDICATION, INDICATOR, DATED_INDICATION, ASSESSMENT, SCENARIO, JUDGMENT,
                  SCENARIO_RECORD, WORKSPACE)}


def _run(scope: str, *args: Any) -> list[Problem]:
    """The problems of every rule of `scope`, in table order."""
    return [problem for check in _BY_SCOPE[scope] for problem in check(*args)]


def check_references(workspace: Workspace, located: Located, today: dt.date,
                     memo: Reuse | None = None) -> list[Problem]:
    """Cross-object rules (`RULES`): known scenarios and indications, unique indication ids, dates. `memo`
    gives back what an earlier check worked out from the same lists."""
    c = Context(workspace, located, today, memo or Reuse())
    problems: list[Problem] = []
    for indicator in workspace.indicators:
        problems.extend(_index_indications(c, indicator))
    for indicator in workspace.indicators:
        problems.extend(_check_indicator(c, indicator))
    for s_index, scenario in enumerate(workspace.scenarios):
        problems.extend(_check_scenario(c, ScenarioAt(s_index, scenario, dated_ids(scenario.id, scenario.judgments))))
    problems.extend(_run(WORKSPACE, c))
    return problems


def _index_indications(c: Context, indicator: Indicator) -> list[Problem]:
    """Index an indicator's indications across files and run the indication rules on each as it is indexed:
    in bulk when none of its ids was used before (the common case), else one by one, where an id used before
    is reported (cross-file rules) and neither indexed nor checked."""
    indexed = c.memo.get(("index", indicator.id), lambda: _indexed(indicator), indicator.indications)
    if indexed.unique and c.indication_dates.keys().isdisjoint(indexed.dates):
        c.index_bulk(indicator, indexed)
        return [p for indication in indexed.notable for p in _run(INDICATION, c, indicator, indication)]
    problems: list[Problem] = []
    seen_here: dict[str, int] = {}
    for indication in indicator.indications:
        occurrence = seen_here.get(indication.id, 0)
        seen_here[indication.id] = occurrence + 1
        duplicates = _run(CROSS_FILE, c, indicator, indication, occurrence)
        if duplicates:
            problems.extend(duplicates)
            continue
        c.index(indicator, indication)
        problems.extend(_run(INDICATION, c, indicator, indication))
    return problems


def _check_indicator(c: Context, indicator: Indicator) -> list[Problem]:
    """The indicator rules, then those of its dated indications and its assessments, unless these have
    nothing to report (their indications all its own, nothing unclean, nothing in the future)."""
    problems = _run(INDICATOR, c, indicator)
    assessed = c.memo.get(("assessed", indicator.id), lambda: _assessed(indicator), indicator.indications,
                          indicator.assessments)
    if assessed.clean and indicator.id in c.in_bulk and (assessed.latest is None or assessed.latest <= c.today):
        return problems  # its indications and assessments have nothing to report: the rules would find nothing
    for indication in indicator.indications:
        problems.extend(_run(DATED_INDICATION, c, indicator, indication))
    names = c.memo.get(("names", indicator.id), lambda: dated_ids(indicator.id, indicator.assessments),
                       indicator.assessments)
    for i in range(len(indicator.assessments)):
        problems.extend(_run(ASSESSMENT, c, indicator, i, names))
    return problems


def _check_scenario(c: Context, s: ScenarioAt) -> list[Problem]:
    """The scenario rules, those of each of its judgments, then those of its record (resolution, assumptions)."""
    problems = _run(SCENARIO, c, s)
    for j_index in range(len(s.scenario.judgments)):
        problems.extend(_run(JUDGMENT, c, s, j_index))
    problems.extend(_run(SCENARIO_RECORD, c, s))
    return problems


# --- helpers --------------------------------------------------------------------------------------------

def _assumption_problems(scenario: Any, today: dt.date, problem: Any) -> list[Problem]:
    """Key assumptions: ids used twice, checks out of date order or in the future, and a change of
    status with no rationale (questioned, broken, or holding again after either)."""
    found = []
    seen: set[str] = set()
    for a_index, assumption in enumerate(scenario.assumptions):
        if assumption.id in seen:
            found.append(problem(("assumptions", a_index, "id"), Code.DUPLICATE_ID,
                                 f"assumption id {assumption.id!r} is used twice in {scenario.id}",
                                 "give each key assumption of a scenario its own id"))
        seen.add(assumption.id)
        found.extend(_assumption_check_problems(scenario, a_index, today, problem))
    return found


def _assumption_check_problems(scenario: Any, a_index: int, today: dt.date, problem: Any) -> list[Problem]:
    """One key assumption's checks: in the future, out of date order, or a change with no rationale."""
    assumption = scenario.assumptions[a_index]
    found = []
    previous = None
    for c_index, check in enumerate(assumption.checks):
        loc = ("assumptions", a_index, "checks", c_index)
        if check.date > today:
            found.append(problem((*loc, "date"), *_future(check.date, today)))
        if previous is not None and check.date < previous.date:
            found.append(problem((*loc, "date"), Code.ASSUMPTION_CHECKS_ORDER,
                                 f"{scenario.id} {assumption.id}: the check of {check.date} is listed after "
                                 f"the one of {previous.date}", Code.ASSUMPTION_CHECKS_ORDER.hint))
        was = previous.status if previous is not None else AssumptionStatus.HOLDING
        if check.rationale is None and (check.status != AssumptionStatus.HOLDING
                                        or was != AssumptionStatus.HOLDING):
            change = (f"from {was.value} back to holding" if check.status == AssumptionStatus.HOLDING
                      else check.status.value)
            found.append(problem(loc, Code.ASSUMPTION_WITHOUT_RATIONALE,
                                 f"{scenario.id} {assumption.id} goes {change} on {check.date} with no "
                                 "rationale", Code.ASSUMPTION_WITHOUT_RATIONALE.hint))
        previous = check
    return found


def _resolution_problems(scenario: Any, names: list[str], today: dt.date, problem: Any) -> list[Problem]:
    """A resolution in the future, before the first judgment, or followed by judgments."""
    resolved = scenario.resolution
    if resolved is None:
        return []
    found = []
    if resolved.date > today:  # an error, not a warning: a question cannot be settled ahead of time
        found.append(problem(("resolution", "date"), Code.FUTURE_DATE, f"{scenario.id} is resolved on "
                             f"{resolved.date}, in the future (today is {today})", "give the day it was settled"))
    standing = [j for j in scenario.judgments if j.withdrawn is None]
    if standing and resolved.date < min(j.date for j in standing):
        found.append(problem(("resolution", "date"), Code.RESOLVED_BEFORE_JUDGED,
                             f"{scenario.id} is resolved on {resolved.date}, before its first judgment "
                             f"({min(j.date for j in standing)})", Code.RESOLVED_BEFORE_JUDGED.hint))
    for j_index, judgment in enumerate(scenario.judgments):
        if judgment.withdrawn is None and judgment.date > resolved.date:
            found.append(problem(("judgments", j_index, "date"), Code.JUDGED_AFTER_RESOLUTION,
                                 f"{names[j_index]} is dated after {scenario.id} was resolved ({resolved.date})",
                                 Code.JUDGED_AFTER_RESOLUTION.hint))
    return found


def _lives_meet(indicator: Any, scenario: Any) -> bool:
    """True when the indicator and the scenario are watched together on some day (else no rating is needed:
    a scenario added after the indicator was retired, or retired before it was added)."""
    i_start, s_start = watch_start(indicator), watch_start(scenario)
    if indicator.retired is not None and s_start is not None and s_start >= indicator.retired.date:
        return False
    return not (scenario.retired is not None and i_start is not None and i_start >= scenario.retired.date)


def _standing_before(assessments: list[Any], index: int) -> Any:
    """The assessment in force just before assessments[index] was made (withdrawals known by then)."""
    made = assessments[index].date
    earlier = [(a.date, k, a) for k, a in enumerate(assessments) if k != index and (a.date, k) < (made, index)
               and not (a.withdrawn is not None and a.withdrawn.date <= made)]
    return max(earlier, key=lambda t: t[:2])[2] if earlier else None


def _life_span_problems(item: Any, problem: Any) -> list[Problem]:
    """A retirement dated before the item was added."""
    if item.added is not None and item.retired is not None and item.retired.date < item.added:
        return [problem(("retired", "date"), Code.RETIRED_BEFORE_ADDED,
                        f"{item.id} is retired on {item.retired.date}, before it was added ({item.added})",
                        Code.RETIRED_BEFORE_ADDED.hint)]
    return []


def _withdrawn_early(name: str, withdrawn: dt.date, dated: dt.date) -> tuple[str, str, str]:
    return (Code.WITHDRAWN_BEFORE_ENTRY, f"{name} is withdrawn on {withdrawn}, before its own date ({dated})",
            Code.WITHDRAWN_BEFORE_ENTRY.hint)


def _series_findings(indicator: Indicator) -> list[tuple[str, str, Code, str]]:
    """An indicator's indications recorded twice, and values in a unit other than the series' first:
    (indication id, field, code, message) of each."""
    found: list[tuple[str, str, Code, str]] = []
    seen: dict[tuple[Any, ...], str] = {}
    unit: tuple[str | None, str] | None = None  # the series' unit and the indication that set it
    for indication in indicator.indications:
        if indication.withdrawn is not None:  # a duplicate taken back is no longer a duplicate
            continue
        key = (indication.date, indication.summary.strip().casefold(),
               (indication.source or "").strip().casefold(), indication.source_id)
        if key in seen:
            found.append((indication.id, "summary", Code.DUPLICATE_INDICATION,
                          f"{indication.id} repeats {seen[key]} (same date, summary and source)"))
        seen.setdefault(key, indication.id)
        if indication.value is None:
            continue
        if unit is None:
            unit = (indication.unit, indication.id)
        elif (indication.unit or "").strip().casefold() != (unit[0] or "").strip().casefold():
            found.append((indication.id, "unit" if indication.unit else "value", Code.UNIT_MISMATCH,
                          f"{indication.id} gives its value in {indication.unit or 'no unit'!r}, "
                          f"but {unit[1]} set the series' unit to {unit[0] or 'no unit'!r}"))
    return found


def _future(date: dt.date, today: dt.date) -> tuple[str, str, str, Severity]:
    return (Code.FUTURE_DATE, f"date {date} is in the future (today is {today})",
            "check the year and month; future-dated entries are ignored until their date", Severity.WARNING)


__all__ = ["ASSESSMENT", "CROSS_FILE", "DATED_INDICATION", "INDICATION", "INDICATOR", "JUDGMENT", "RULES",
           "SCENARIO", "SCENARIO_RECORD", "WORKSPACE", "Context", "Reuse", "Rule", "ScenarioAt", "check_references"]
