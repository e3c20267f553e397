"""Generate a synthetic workspace for benchmarks: seeded, realistic in shape and spread.

    python -m benchmarks.generate --indicators 1000 --indications 50000 -o /tmp/big

Indicators are spread over themed files of uneven size (as a real team's checklists are), and
indications, assessments and judgments over `--years` years, written in the same block style as
the default workspace (comments included), so parsing costs what real files cost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

from indicators.workspace.vocab import CONFIDENCE, LIKELIHOOD, PRIORITY, RATING, RELIABILITY, STATUS

THEMES = ["diplomatic", "military-supply", "military-technology", "space", "sanctions", "labour-economy",
          "exercises", "china", "missile-tests", "regional-response", "europe-nato", "cyber", "maritime",
          "energy", "finance", "information"]
WORDS = ["report", "satellite", "imagery", "shows", "delegation", "shipment", "railway", "port", "containers",
         "launch", "treaty", "visit", "exercise", "sanctions", "vote", "workers", "aid", "statement", "official",
         "source", "confirms", "denies", "analysis"]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(out: Path, *, indicators: int = 1000, indications: int = 50000, assessments: int | None = None,
             judgments: int | None = None, scenarios: int = 7, years: int = 5, seed: int = 1) -> Path:
    """Write a workspace to `out` and return it."""
    rng = random.Random(seed)
    assessments = assessments if assessments is not None else max(indicators, indications // 5)
    judgments = judgments if judgments is not None else scenarios * years * 4
    start = dt.date(2020, 1, 1)
    span = years * 365
    scenario_ids = [f"SC-{n:02d}" for n in range(1, scenarios + 1)]
    (out / "indicators").mkdir(parents=True, exist_ok=True)
    lines = ["# yaml-language-server: $schema=../schema/workspace.json", "# Synthetic benchmark workspace",
             'title: "Synthetic workspace"', 'question: "Which scenario is unfolding?"', "marking: GREEN",
             "review_cadence_days: 90", "scenarios:"]
    per_scenario = [[] for _ in scenario_ids]
    for n in range(judgments):
        per_scenario[n % scenarios].append(start + dt.timedelta(days=rng.randrange(span)))
    for sid, dates in zip(scenario_ids, per_scenario):
        lines += [f"  - id: {sid}", f"    title: {_quote('Scenario ' + sid)}", "    judgments:"]
        for day in sorted(dates):
            lines += [f"      - date: {day}", f"        likelihood: {rng.choice(LIKELIHOOD.values())}",
                      f"        confidence: {rng.choice(CONFIDENCE.values())}", "        analyst: Bench",
                      f"        rationale: {_quote(_sentence(rng, 12))}"]
    (out / "workspace.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    weights = [rng.uniform(0.3, 3.0) for _ in THEMES]  # uneven file sizes
    theme_of = rng.choices(range(len(THEMES)), weights=weights, k=indicators)
    ids = [f"{''.join(p[0] for p in THEMES[t].split('-')).upper()}X-{n:03d}" for n, t in enumerate(theme_of)]
    obs_per = [0] * indicators
    for _ in range(indications):
        obs_per[rng.randrange(indicators)] += 1
    ass_per = [1] * indicators
    for _ in range(max(0, assessments - indicators)):
        ass_per[rng.randrange(indicators)] += 1
    files: dict[int, list[str]] = {t: [] for t in range(len(THEMES))}
    for n, (iid, t) in enumerate(zip(ids, theme_of)):
        block = files[t]
        block += [f"  # {'-' * 60}", f"  - id: {iid}",
                  f"    title: {_quote('Indicator ' + iid + ': ' + _sentence(rng, 5))}",
                  f"    criteria: {_quote(_sentence(rng, 15))}", f"    priority: {rng.choice(PRIORITY.values())}",
                  "    actors: [Russia, DPRK]",
                  "    ratings: {" + ", ".join(f"{s}: {rng.choice(RATING.values())}" for s in scenario_ids) + "}"]
        obs_dates = sorted(start + dt.timedelta(days=rng.randrange(span)) for _ in range(obs_per[n]))
        if obs_dates:
            block.append("    indications:")
        for k, day in enumerate(obs_dates, 1):
            block += [f"      - id: {iid}.{k}", f"        date: {day}",
                      f"        summary: {_quote(_sentence(rng, 14))}",
                      f"        source: {_quote('Source ' + str(rng.randrange(200)))}",
                      f"        url: https://example.org/{iid}/{k}",
                      f"        reliability: {rng.choice(RELIABILITY.values())}",
                      f"        credibility: {rng.randrange(1, 7)}"]
            if rng.random() < 0.1:
                block += [f"        value: {rng.randrange(1, 5000)}", "        unit: containers"]
        ass_dates = sorted(start + dt.timedelta(days=rng.randrange(span)) for _ in range(ass_per[n]))
        block.append("    assessments:")
        for day in ass_dates:
            cites = [f"{iid}.{k}" for k, d in enumerate(obs_dates, 1) if d <= day][-2:]
            block += [f"      - date: {day}", f"        status: {rng.choice(STATUS.values())}",
                      f"        confidence: {rng.choice(CONFIDENCE.values())}", "        analyst: Bench",
                      f"        rationale: {_quote(_sentence(rng, 16))}", f"        cites: [{', '.join(cites)}]"]
    for t, block in files.items():
        if not block:
            continue
        text = ["# yaml-language-server: $schema=../../schema/indicators.json", f"theme: {THEMES[t]}", "indicators:",
                *block]
        (out / "indicators" / f"{THEMES[t]}.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--indicators", type=int, default=1000)
    parser.add_argument("--indications", type=int, default=50000)
    parser.add_argument("--assessments", type=int, default=None, help="default: indications / 5")
    parser.add_argument("--judgments", type=int, default=None, help="default: 4 per scenario and year")
    parser.add_argument("--scenarios", type=int, default=7)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args()
    generate(args.out, indicators=args.indicators, indications=args.indications, assessments=args.assessments,
             judgments=args.judgments, scenarios=args.scenarios, years=args.years, seed=args.seed)
    size = sum(p.stat().st_size for p in args.out.rglob("*.yaml"))
    print(f"wrote {args.out} ({size / 1048576:.1f} MB)")


if __name__ == "__main__":
    main()
