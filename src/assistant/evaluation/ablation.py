"""The ablation report: every answering rule switched off in turn, measured on every split.

``make ablation`` (``python -m assistant.evaluation.ablation``) loads the seed index and, when the national
reports are present, the national index once, then answers the gold set and the national questions with all
rules on and with each rule of ``rules.RULES`` off (``Settings.rules_off``; ``Assistant.with_settings`` shares
the loaded index and statistics, so a variant costs only its answers). It writes ``eval/ablation.md`` and
``eval/ablation.json``.

A rule *helps* when switching it off makes the answers worse on data it was not written from: for a rule
written from the seed reports' tune split, the gold test split and both national splits; for one written from
the national dev councils, the gold set's two splits and the national held-out councils. Its verdict is the
sum, over those splits' headline figures, of how much worse they get with it off (a lower-is-better figure
counted the other way): above zero it helps; zero (nothing moves) or below, it does not, and it is a candidate
for removal.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.evaluation import national
from assistant.evaluation.national_compare import comparison_items as make_comparisons
from assistant.evaluation.national_compare import score_comparison
from assistant.evaluation.national_compare import summarise as summarise_comparisons
from assistant.evaluation.national_injected import injected_items, score_injected
from assistant.evaluation.national_injected import summarise as summarise_injected
from assistant.evaluation.national_split import DEV, HELD_OUT, summarise_splits
from assistant.evaluation.national_wording import summarise as summarise_wording
from assistant.evaluation.national_wording import wording_items as make_wording
from assistant.rules import NATIONAL_DEV, RULES, Rule
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.pipeline import Assistant

#: The splits measured, and the headline figures read on each (``-`` marks lower is better).
GOLD_FIGURES = ("hit@5", "mrr@10", "ndcg@10", "evidence_recall@5", "key_fact_recall", "citation_precision",
                "abstention", "-false_abstention", "pass_rate", "-wrong_figure", "-injection_successes")
NATIONAL_FIGURES = ("right_report_first", "fact_from_right_report", "abstention", "-false_abstention")
COMPARISON_FIGURES = ("both_reports_cited", "both_facts_from_right_reports", "-false_abstention")
INJECTED_FIGURES = ("right_report_first", "fact_from_right_report", "-false_abstention", "-injection_success")
WORDING_FIGURES = ("right_report_first", "fact_from_right_report", "-false_abstention")
SPLIT_FIGURES = {"gold tune": GOLD_FIGURES, "gold test": GOLD_FIGURES,
                 "national dev": NATIONAL_FIGURES, "national held-out": NATIONAL_FIGURES,
                 "comparisons dev": COMPARISON_FIGURES, "comparisons held-out": COMPARISON_FIGURES,
                 "injected dev": INJECTED_FIGURES, "injected held-out": INJECTED_FIGURES,
                 "wording dev": WORDING_FIGURES, "wording held-out": WORDING_FIGURES}
ALL_ON = "(all rules on)"


def unseen_splits(rule: Rule) -> tuple[str, ...]:
    """The splits a rule was not written from: where it has to earn its place."""
    if rule.written_from == NATIONAL_DEV:
        return ("gold tune", "gold test", "national held-out", "comparisons held-out", "injected held-out",
                "wording held-out")
    return ("gold test", "national dev", "national held-out", "comparisons dev", "comparisons held-out",
            "injected dev", "injected held-out", "wording dev", "wording held-out")


@dataclass
class Variant:
    """The figures of one run: each split's headline figures, with the named rule off (None: all on)."""

    rule: str | None
    figures: dict[str, dict[str, float | None]]
    changed: dict[str, int] = field(default_factory=dict)  # per split: answers that differ from all-on


@dataclass
class AblationResult:
    baseline: Variant
    variants: list[Variant]
    meta: dict[str, Any]

    def deltas(self, variant: Variant) -> dict[str, dict[str, float]]:
        """Per split and figure: the variant's figure less the baseline's (only those that moved)."""
        out: dict[str, dict[str, float]] = {}
        for split, figures in variant.figures.items():
            for name, value in figures.items():
                base = self.baseline.figures[split].get(name)
                if value is not None and base is not None and abs(value - base) > 1e-9:
                    out.setdefault(split, {})[name] = value - base
        return out

    def help_score(self, rule: Rule, variant: Variant) -> float:
        """How much worse the unseen splits' figures get with the rule off (positive: the rule helps)."""
        total = 0.0
        for split, moved in self.deltas(variant).items():
            if split not in unseen_splits(rule):
                continue
            for name, delta in moved.items():
                total += delta if name.startswith("-") else -delta
        return total


def _gold_figures(rows: Sequence[Mapping[str, Any]], split: str) -> dict[str, float | None]:
    from assistant.evaluation.runner import summarise

    summary = summarise([r for r in rows if r["split"] == split])
    return {f: summary.get(f.lstrip("-")) for f in GOLD_FIGURES}


def _figures(summary: Mapping[str, Any], figures: Sequence[str]) -> dict[str, float | None]:
    return {f: summary["overall"].get(f.lstrip("-")) for f in figures}


def _answers(assistant: Assistant, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any] | None]:
    """Every item's answer in the JSON contract, with its conversation (None where it could not be answered)."""
    from assistant.evaluation.national_run import answer_all

    def ask(item: Mapping[str, Any]) -> dict[str, Any]:
        return assistant.ask(item["question"], item.get("history") or None, id=item.get("id")).to_dict()

    return answer_all(ask, items, "ablation", progress=False)[0]


def _same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    return (a or {}).get("answer") == (b or {}).get("answer")


def run_ablation(
    settings: Settings,
    gold_items: Sequence[Mapping[str, Any]],
    seed: Assistant,
    national_items: Sequence[Mapping[str, Any]] = (),
    national_assistant: Assistant | None = None,
    comparison_items: Sequence[Mapping[str, Any]] = (),
    rules: Sequence[Rule] = RULES,
    wording_items: Sequence[Mapping[str, Any]] = (),
    progress: bool = False,
) -> AblationResult:
    """Answer every item with all rules on, then with each of ``rules`` off, and collect the figures.

    Args:
        settings: The settings every variant starts from (its ``rules_off`` stays off in all of them).
        gold_items: The gold set (``gold.load_gold``).
        seed: The assistant loaded on the seed index.
        national_items: The national questions (``national.national_items``); none: gold set only.
        national_assistant: The assistant loaded on the national index (needed with ``national_items``).
        comparison_items: The national comparison questions (``national_compare.comparison_items``).
        rules: The rules to switch off, one at a time.
        wording_items: The overall grade asked in other words (``national_wording.wording_items``).
        progress: A line on stderr per variant.
    """
    from assistant.evaluation.runner import score_answers

    started = time.perf_counter()
    baseline_answers: dict[str, list[dict[str, Any] | None]] = {}
    attacked = injected_items(national_items)  # the national questions carrying a published attack

    def cited(items: Sequence[Mapping[str, Any]], got: Sequence[dict[str, Any] | None]) -> list[dict[str, Any]]:
        return national.score_all(items, got, "citations")

    def each(score: Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]) -> Callable[..., Any]:
        return lambda items, got: [score(i, a or {}) for i, a in zip(items, got, strict=True)]

    # The national question sets: (name, items, scoring, summary, figures read), each answered per variant.
    question_sets = [
        ("national", national_items, cited, national.summarise, NATIONAL_FIGURES),
        ("comparisons", comparison_items, each(score_comparison), summarise_comparisons, COMPARISON_FIGURES),
        ("injected", attacked, each(score_injected), summarise_injected, INJECTED_FIGURES),
        ("wording", wording_items, cited, summarise_wording, WORDING_FIGURES),
    ]

    def run(rule: str | None) -> Variant:
        s = settings if rule is None else settings.with_values({"rules_off": (*settings.rules_off, rule)})
        gold_answers = _answers(seed.with_settings(s), gold_items)
        rows = score_answers(gold_items, gold_answers, [None] * len(gold_items))
        figures = {"gold tune": _gold_figures(rows, "tune"), "gold test": _gold_figures(rows, "test")}
        answers = {"gold": gold_answers}
        for name, items, score, summarise, wanted in question_sets:
            if not items or national_assistant is None:
                continue
            got = _answers(national_assistant.with_settings(s), items)
            splits = summarise_splits(score(items, got), summarise)
            figures[f"{name} dev"] = _figures(splits[DEV], wanted)
            figures[f"{name} held-out"] = _figures(splits[HELD_OUT], wanted)
            answers[name] = got
        variant = Variant(rule, figures)
        if rule is None:
            baseline_answers.update(answers)
        else:
            variant.changed = {name: sum(not _same(a, b) for a, b in zip(got, baseline_answers[name], strict=True))
                               for name, got in answers.items()}
        if progress:
            print(f"ablation: {rule or ALL_ON} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        return variant

    baseline = run(None)
    variants = [run(r.name) for r in rules]
    meta = {"gold_items": len(gold_items), "national_items": len(national_items),
            "comparison_items": len(comparison_items), "injected_items": len(attacked),
            "wording_items": len(wording_items), "rules": len(rules),
            "seconds": round(time.perf_counter() - started, 1), "date": time.strftime("%Y-%m-%d %H:%M"),
            "rules_off_in_every_run": list(settings.rules_off)}
    return AblationResult(baseline, variants, meta)


# ---------------------------------------------------------------------------------------------- report

_SHORT = {"hit@5": "hit@5", "mrr@10": "mrr", "ndcg@10": "ndcg", "evidence_recall@5": "ev-recall@5",
          "key_fact_recall": "fact", "citation_precision": "prec", "abstention": "abst",
          "-false_abstention": "false-abst", "pass_rate": "pass",
          "-wrong_figure": "wrong-fig", "-injection_successes": "injections", "right_report_first": "right-first",
          "fact_from_right_report": "fact", "both_reports_cited": "both-cited",
          "both_facts_from_right_reports": "both-facts", "-injection_success": "rogue-said"}


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _moved(deltas: Mapping[str, float]) -> str:
    return ", ".join(f"{_SHORT[k]} {v:+.3f}" for k, v in deltas.items()) or "·"


def verdict(result: AblationResult, rule: Rule, variant: Variant) -> str:
    """"helps" (with the rule off, only worse figures on unseen splits), "hurts" (only better), "no effect"
    (none moved) or "mixed" (both; the net score decides which way it leans); a rule that does not help says
    why it is kept (``Rule.kept_because``)."""
    measured = _measured(result, rule, variant)
    if rule.kept_because and measured in ("hurts", "no effect"):
        return f"{measured}; kept: {rule.kept_because}"
    return measured


def _measured(result: AblationResult, rule: Rule, variant: Variant) -> str:
    worse = better = 0
    for split, moved in result.deltas(variant).items():
        if split in unseen_splits(rule):
            for name, delta in moved.items():
                worse, better = (worse + 1, better) if (delta > 0) == name.startswith("-") else (worse, better + 1)
    if worse and better:
        return f"mixed, net {'helps' if result.help_score(rule, variant) > 0 else 'hurts'}"
    return "helps" if worse else "hurts" if better else "no effect"


def render_markdown(result: AblationResult, rules: Sequence[Rule] = RULES) -> str:
    """``eval/ablation.md``: the all-on figures, then one row per rule with what moved on each split."""
    by_name = {r.name: r for r in rules}
    splits = list(result.baseline.figures)
    lines = [
        "# Ablation: each answering rule switched off in turn",
        "",
        f"Written by `make ablation` on {result.meta['date']} ({result.meta['seconds']} s): "
        f"{result.meta['gold_items']} gold items, {result.meta['national_items']} national questions, "
        f"{result.meta.get('comparison_items', 0)} national comparison questions, "
        f"{result.meta.get('injected_items', 0)} national questions carrying a published prompt injection, "
        f"{result.meta.get('wording_items', 0)} overall-grade questions in other words, "
        f"{result.meta['rules']} rules (`src/assistant/rules.py`). A cell lists the figures that moved with the rule "
        "off (its value less the all-on value: a minus is worse, except for false-abst, wrong-fig, injections "
        "(a count) and rogue-said, where a plus is worse); "
        "· means none moved. `changed` counts the answers whose text differs from the all-on run.",
        "",
        "A rule **helps** when, switched off, the splits it was not written from get worse overall (seed-tune "
        "rules: gold test, then national, comparisons, injected and wording, dev and held-out; national-dev "
        "rules: gold tune and test, and the held-out side of the others). The score is the sum of those "
        "figures' moves, lower-is-better figures counted the other way. A rule whose moves are mixed (some "
        "figure worse off, some better) is marked so: removing it would lose something on unseen data.",
        "",
        "## All rules on",
        "",
        "| split | " + " | ".join(_SHORT[f] for f in GOLD_FIGURES) + " |",
        "|---|" + "---|" * len(GOLD_FIGURES),
    ]
    for split in splits:
        figs = SPLIT_FIGURES[split]
        cells = [_fmt(result.baseline.figures[split].get(f)) for f in figs]
        if figs is not GOLD_FIGURES:
            cells = [f"{_SHORT[f]} {c}" for f, c in zip(figs, cells, strict=True)]
            cells += [""] * (len(GOLD_FIGURES) - len(cells))
        lines.append(f"| {split} | " + " | ".join(cells) + " |")
    lines += ["", "## Each rule off", "",
              "| rule | written from | " + " | ".join(splits) + " | changed | score | verdict |",
              "|---|---|" + "---|" * len(splits) + "---|---|---|"]
    for variant in result.variants:
        rule = by_name[str(variant.rule)]
        deltas = result.deltas(variant)
        cells = [_moved(deltas.get(s, {})) for s in splits]
        changed = ", ".join(f"{k} {v}" for k, v in variant.changed.items())
        lines.append(f"| `{rule.name}` | {rule.written_from} | " + " | ".join(cells)
                     + f" | {changed} | {result.help_score(rule, variant):+.3f} | {verdict(result, rule, variant)} |")
    return "\n".join(lines) + "\n"


def to_json(result: AblationResult) -> dict[str, Any]:
    return {"meta": result.meta, "all_on": result.baseline.figures,
            "variants": [{"rule": v.rule, "figures": v.figures, "changed": v.changed} for v in result.variants]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.evaluation.ablation",
        description="Switch each answering rule off in turn and measure the gold set and the national questions; "
                    "writes eval/ablation.md and eval/ablation.json.")
    parser.add_argument("--questions", type=Path, default=Path("eval/questions.jsonl"), help="Gold set (JSONL).")
    parser.add_argument("--out", type=Path, default=Path("eval"), help="Folder for ablation.md and ablation.json.")
    parser.add_argument("--rules", default="", help="Comma-separated rule names to switch off (default: all).")
    parser.add_argument("--no-national", action="store_true", help="Gold set only.")
    args = parser.parse_args(argv)

    from assistant.evaluation.gold import load_gold
    from assistant.evaluation.national_run import DEFAULT_INDEX_DIR
    from assistant.pipeline import Assistant

    settings = Settings.load()
    wanted = [n.strip() for n in args.rules.split(",") if n.strip()]
    unknown = sorted(set(wanted) - {r.name for r in RULES})
    if unknown:
        parser.error(f"unknown rule(s) {unknown}; 'assistant settings' lists them")
    rules = [r for r in RULES if not wanted or r.name in wanted]
    seed = Assistant.load(settings=settings)
    items: list[dict[str, Any]] = []
    comparisons: list[dict[str, Any]] = []
    reworded: list[dict[str, Any]] = []
    national_assistant = None
    data_dir = None if args.no_national else national.national_data_dir()
    if data_dir is not None:
        reports = data_dir / "reports"
        items = national.national_items(data_dir / "judgements.csv", reports)
        comparisons = make_comparisons(data_dir / "judgements.csv", reports)
        reworded = make_wording(data_dir / "judgements.csv", reports)
        national_assistant = Assistant.load(index_dir=DEFAULT_INDEX_DIR, corpus_dir=reports, settings=settings,
                                            show_progress=True, on_warning=lambda _m: None)
    elif not args.no_national:
        print("National questions skipped: ../shared/ofsted not found (gold set only).", file=sys.stderr)
    result = run_ablation(settings, load_gold(args.questions), seed, items, national_assistant, comparisons, rules,
                          reworded, progress=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ablation.md").write_text(render_markdown(result, rules), encoding="utf-8")
    (args.out / "ablation.json").write_text(json.dumps(to_json(result), indent=1), encoding="utf-8")
    print(f"Wrote {args.out / 'ablation.md'} and {args.out / 'ablation.json'} ({result.meta['seconds']} s).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
