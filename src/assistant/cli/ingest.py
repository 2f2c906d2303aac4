"""``assistant ingest``: read, split and embed the reports into an index."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.group import load_settings, main, warn


@main.command()
@click.argument("corpus_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Index folder to write (default ./index).")
@click.option("--if-needed", is_flag=True, help="Only build when the index is missing or stale (say why).")
@click.pass_context
def ingest(ctx: click.Context, corpus_dir: Path | None, index_dir: Path | None, if_needed: bool) -> None:
    """Index the reports: read, split, embed, and write a FAISS + BM25 index.

    Reads .txt, .md, .pdf, .docx and .html files (by their content: a .pdf holding a web page is
    skipped). Files that cannot be read are skipped, each with its reason, and listed at the end.
    Files whose text is unchanged reuse their extracted text and embeddings. The index is written to a temporary folder
    and swapped in when complete, so an interrupted build keeps the previous index.

    \b
    Examples:
      assistant ingest
      assistant ingest ../other-council/reports --index other-index
      assistant ingest --if-needed           # what `make app` runs
    """
    from assistant.index.build import build_index, splitter_settings, stale_reason
    from assistant.index.embedding import embedder_name, make_embedder

    s = load_settings(ctx, corpus_dir=corpus_dir, index_dir=index_dir)
    if if_needed:
        reason = stale_reason(s.index_dir, s.corpus_dir, embedder_name(s), splitter_settings(s),
                              passage_vectors=s.passage_vectors)
        if reason is None:
            click.echo(f"The index at {s.index_dir} is up to date.")
            return
        click.echo(f"Building the index at {s.index_dir}: {reason}.", err=True)
    embedder = make_embedder(s)
    manifest = build_index(s.corpus_dir, s.index_dir, embedder, splitter_settings(s), show_progress=True,
                           on_warning=warn, passage_vectors=s.passage_vectors)
    click.echo(
        f"Indexed {manifest.documents} document(s): {manifest.passages} passages, {manifest.sentences} "
        f"sentences in {manifest.build_seconds:.1f} s -> {s.index_dir} (version {manifest.index_version})."
    )
    if manifest.skipped:
        click.echo(f"Skipped {len(manifest.skipped)} file(s):")
        for name, why in sorted(manifest.skipped.items()):
            click.echo(f"  {name}: {why['reason']}")
