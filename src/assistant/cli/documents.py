"""``assistant documents``: the indexed reports listed, searched and narrowed as ``ask`` narrows a question."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cleaning import check_date_range
from assistant.cli.group import echo, filter_options, load_settings, main
from assistant.text import json_line


@main.command(name="documents")
@click.option("--search", "query", default="",
              help='Only reports whose title, area, publisher, kind or date hold every word ("ofsted 2021").')
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per report.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Index folder (default ./index or ASSISTANT_INDEX_DIR).")
@click.pass_context
def documents(
    ctx: click.Context,
    query: str,
    publishers: tuple[str, ...],
    kinds: tuple[str, ...],
    areas: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    as_json: bool,
    index_dir: Path | None,
) -> None:
    """List the indexed reports by area, then newest first, narrowed as `ask` narrows a question.

    Ends with how many it shows, and the files that could not be indexed, with why. A publisher, kind or
    area no report has exits with 2 and names the nearest the collection has.

    \b
    Examples:
      assistant documents --search "focused visit"
      assistant documents --kind "inspection report" --from 2020 --json
    """
    from assistant.chat.catalogue import browse, count_line
    from assistant.index.build import load_index
    from assistant.text import human_date
    from assistant.types import Filters

    start, end = check_date_range(date_from, date_to)
    filters = Filters(publishers=publishers, kinds=kinds, areas=areas, date_from=start, date_to=end)
    index = load_index(load_settings(ctx, index_dir=index_dir).index_dir)
    everything = list(index.documents.values())
    shown = browse(everything, filters, query)
    for d in shown:
        if as_json:
            echo(json_line({"doc_id": d.doc_id, "title": d.title, "publisher": d.publisher, "kind": d.kind,
                            "date": d.date, "area": d.area, "filename": d.filename}))
        else:
            echo(f"{d.area or '(no area)'} · {human_date(d.date)} · {d.publisher} · {d.kind}\n"
                  f"    {d.title}  [{d.doc_id}]")
    if not as_json:
        echo(count_line(len(shown), len(everything), query, filters.active))
        for name, why in sorted(index.manifest.skipped.items()):
            echo(f"Not indexed: {name}: {why.get('reason', '')}")
