"""``assistant eval``: the gold set scored (with the quality gate), then the national sample when it is there."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from assistant.cli.group import index_options, load_settings, main


@main.command(name="eval")
@click.option("--questions", type=click.Path(dir_okay=False, path_type=Path), default=Path("eval/questions.jsonl"),
              show_default=True, help="Gold set (JSON lines).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("eval"),
              show_default=True, help="Where report.md, report.json and chart.png go.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of tables.")
@click.option("--no-baselines", is_flag=True, help="Score only the assistant (faster).")
@click.option("--national/--no-national", default=None,
              help="Also run the national evaluation over ../shared/ofsted (or ASSISTANT_NATIONAL_DIR); "
                   "default: when that folder exists.")
@index_options
@click.pass_context
def evaluate(ctx: click.Context, questions: Path, out_dir: Path, as_json: bool, no_baselines: bool,
             national: bool | None, index_dir: Path | None, corpus_dir: Path | None) -> None:
    """Score the assistant and the baselines on the gold set; write eval/report.md and a chart.

    Then, when the national sample of real Ofsted reports is there, score them on questions generated from
    its judgements table and write eval/national.md, national.json and national.png (no gate).
    Exits with status 1 when the quality gate (thresholds.toml beside the gold set) fails; the reports are
    written either way.

    \b
    Examples:
      assistant eval
      assistant eval --no-baselines --json > results.json
      assistant eval --no-national           # the gold set only
    """
    from assistant.evaluation.national import national_data_dir
    from assistant.evaluation.runner import run_cli

    s = load_settings(ctx, index_dir=index_dir, corpus_dir=corpus_dir)
    passed = run_cli(s, questions, out_dir, as_json, not no_baselines)
    data_dir = national_data_dir() if national is not False else None
    if data_dir is not None:
        from assistant.evaluation.national_run import run_national_cli

        run_national_cli(s, data_dir, out_dir, not no_baselines, to_stderr=as_json)
    elif national is not False:
        click.echo("National evaluation skipped: ../shared/ofsted not found.", err=as_json)
    if not passed:
        sys.exit(1)
