"""The index folder: manifest, staleness reasons, rebuilds, reuse of embeddings, atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import IndexStoreError
from assistant.index.build import FORMAT_VERSION, build_index, load_index, read_manifest, stale_reason
from assistant.index.embedding import KeywordEmbedder
from assistant.ingest.passages import SplitterSettings
from assistant.pipeline import Assistant
from assistant.settings import Settings


class CountingEmbedder(KeywordEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed(texts)


def test_manifest_describes_the_index(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    manifest = build_index(corpus_copy, index_dir, KeywordEmbedder(), SplitterSettings())
    on_disk = json.loads((index_dir / "manifest.json").read_text())
    assert on_disk["format_version"] == FORMAT_VERSION
    assert on_disk["model"] == "keyword-hash-256" and on_disk["dim"] == 256
    assert on_disk["splitter"] == {"max_tokens": 200, "merge_tokens": 90, "version": 2}
    assert set(on_disk["files"]) == {p.name for p in corpus_copy.glob("*.txt")}
    assert all(len(h) == 64 for h in on_disk["files"].values())
    assert "/" not in json.dumps(on_disk["files"])  # no machine paths persisted
    loaded = load_index(index_dir)
    assert len(loaded.passages) == manifest.passages == len(loaded.passage_vectors)


def test_stale_reasons_name_what_changed(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    emb, split = KeywordEmbedder(), SplitterSettings()
    assert "No index" in (stale_reason(index_dir, corpus_copy, emb.name, split) or "")
    build_index(corpus_copy, index_dir, emb, split)
    assert stale_reason(index_dir, corpus_copy, emb.name, split) is None
    assert "splitter" in (stale_reason(index_dir, corpus_copy, emb.name, SplitterSettings(max_tokens=99)) or "")
    assert "model" in (stale_reason(index_dir, corpus_copy, "other-model", split) or "")
    letter = corpus_copy / "2020-12-ofsted-focused-visit-letter.txt"
    letter.write_text(letter.read_text() + "\nA new closing line.\n")
    assert "changed file(s) 2020-12-ofsted-focused-visit-letter.txt" in (
        stale_reason(index_dir, corpus_copy, emb.name, split) or ""
    )
    (corpus_copy / "new.txt").write_text("A new report.\n")
    assert "new file(s) new.txt" in (stale_reason(index_dir, corpus_copy, emb.name, split) or "")


def test_assistant_rebuilds_a_stale_index_and_says_why(corpus_copy: Path, tmp_path: Path) -> None:
    settings = Settings.load(environ={})
    index_dir = tmp_path / "index"
    said: list[str] = []
    Assistant.load(index_dir, corpus_copy, settings, KeywordEmbedder(), on_warning=said.append)
    assert any("No index" in s for s in said)
    (corpus_copy / "extra.txt").write_text("Surrey's services were rated outstanding in 2030.\n")
    said.clear()
    assistant = Assistant.load(index_dir, corpus_copy, settings, KeywordEmbedder(), on_warning=said.append)
    assert any("new file(s) extra.txt" in s for s in said)
    assert "extra" in assistant.index.documents


def test_unchanged_text_reuses_its_embeddings(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = CountingEmbedder()
    build_index(corpus_copy, index_dir, first, SplitterSettings())
    second = CountingEmbedder()
    (corpus_copy / "extra.txt").write_text("One new sentence about fostering.\n")
    build_index(corpus_copy, index_dir, second, SplitterSettings())
    assert first.embedded > 500
    assert 0 < second.embedded <= 3  # only the new file's passage and sentence(s)
    before = load_index(index_dir)
    np.testing.assert_allclose(np.linalg.norm(before.passage_vectors, axis=1), 1.0, atol=1e-5)


def test_vectors_are_reused_only_for_the_exact_text_they_embed(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir, CountingEmbedder(), SplitterSettings())
    # Renaming a publisher changes the header embedded with each of that report's passages.
    catalog = corpus_copy / "catalog.toml"
    catalog.write_text(catalog.read_text().replace('publisher = "Ofsted"', 'publisher = "Ofsted (HMI)"'))
    again = CountingEmbedder()
    build_index(corpus_copy, index_dir, again, SplitterSettings())
    letter = [p for p in load_index(index_dir).passages if p.doc_id == "2020-12-ofsted-focused-visit-letter"]
    assert again.embedded == len(letter)  # exactly that report's passages; its sentences are unchanged
    fresh = build_index(corpus_copy, tmp_path / "fresh", KeywordEmbedder(), SplitterSettings())
    np.testing.assert_allclose(load_index(index_dir).passage_vectors, load_index(tmp_path / "fresh").passage_vectors)
    assert fresh.passages == len(load_index(index_dir).passages)


def test_a_failed_build_leaves_the_previous_index_intact(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir, KeywordEmbedder(), SplitterSettings())
    before = read_manifest(index_dir)

    class Broken(KeywordEmbedder):
        def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-build

    (corpus_copy / "extra.txt").write_text("Text that forces embedding.\n")
    with pytest.raises(KeyboardInterrupt):
        build_index(corpus_copy, index_dir, Broken(), SplitterSettings())
    assert read_manifest(index_dir) == before
    assert len(load_index(index_dir).passages) == before.passages
    assert not list(tmp_path.glob(".index.tmp-*"))


def test_damaged_index_gives_an_actionable_error(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir, KeywordEmbedder(), SplitterSettings())
    (index_dir / "passages.jsonl").write_text("")
    with pytest.raises(IndexStoreError, match="assistant ingest"):
        load_index(index_dir)
    with pytest.raises(IndexStoreError, match="assistant ingest"):
        load_index(tmp_path / "nothing-here")


def test_titles_are_embedded_but_not_keyword_indexed(corpus_copy: Path, tmp_path: Path) -> None:
    from assistant.ingest.passages import embedding_text

    index_dir = tmp_path / "index"
    embedder = KeywordEmbedder()
    build_index(corpus_copy, index_dir, embedder, SplitterSettings())
    index = load_index(index_dir)
    passage = index.passages[0]
    doc = index.documents[passage.doc_id]
    dense = embedding_text(passage, doc, with_title=True)
    assert dense.startswith(doc.title) and not embedding_text(passage, doc).startswith(doc.title)
    assert np.allclose(index.passage_vectors[0], embedder.embed([dense])[0])
    # An index of the previous format (no titles in its vectors) is rebuilt, saying why.
    manifest = json.loads((index_dir / "manifest.json").read_text())
    manifest["format_version"] = FORMAT_VERSION - 1
    (index_dir / "manifest.json").write_text(json.dumps(manifest))
    assert f"this version reads {FORMAT_VERSION}" in (
        stale_reason(index_dir, corpus_copy, embedder.name, SplitterSettings()) or ""
    )


def test_a_signature_block_does_not_outrank_the_paragraph_on_the_subject(tmp_path: Path) -> None:
    # With bm25s' default length normalisation (b = 0.75) a five-word signature block that names
    # the inspector once outscores a paragraph that discusses inspectors twice; passages are already
    # length-capped, so the index normalises length only weakly.
    from assistant.index.search_text import terms

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "signature.txt").write_text("Letter\n\nYours sincerely\n\nTracey Scott\nHer Majesty's Inspector\n")
    filler = " ".join(["The service reviewed its plans for children and families during the year."] * 8)
    (corpus / "discussion.txt").write_text(
        f"Findings\n\nThe inspector found that case records were hard to follow. {filler} "
        "A second inspector agreed that records should improve.\n"
    )
    build_index(corpus, tmp_path / "index", KeywordEmbedder(), SplitterSettings())
    index = load_index(tmp_path / "index")
    scores = dict(zip((p.doc_id for p in index.passages), index.store.keyword_scores(terms("inspector")), strict=True))
    assert scores["discussion"] > scores["signature"] > 0


def test_identical_texts_are_embedded_once(corpus_copy: Path, tmp_path: Path) -> None:
    from assistant.ingest.passages import embedding_text

    counting = CountingEmbedder()
    build_index(corpus_copy, tmp_path / "index", counting, SplitterSettings())
    index = load_index(tmp_path / "index")
    texts = [embedding_text(p, index.documents[p.doc_id], with_title=True) for p in index.passages]
    texts += [s.text for s in index.sentences]
    assert len(set(texts)) < len(texts)  # the reports repeat some lines
    assert counting.embedded == len(set(texts))


def test_pooled_passage_vectors_come_from_their_sentences_and_title(corpus_copy: Path, tmp_path: Path) -> None:
    from assistant.index.vectors import TITLE_WEIGHT

    pooled_dir, split = tmp_path / "pooled", SplitterSettings()
    counting = CountingEmbedder()
    manifest = build_index(corpus_copy, pooled_dir, counting, split, passage_vectors="pooled")
    index = load_index(pooled_dir)
    assert manifest.passage_vectors == "pooled" == read_manifest(pooled_dir).passage_vectors
    lonely = [p for p in index.passages if not index.sentences_of.get(p.passage_id)]
    distinct = {s.text for s in index.sentences} | {d.title for d in index.documents.values()}
    assert counting.embedded <= len(distinct) + len(lonely) < manifest.passages + manifest.sentences
    # One passage worked out by hand: the mean of its sentences' vectors plus half its title's, normalised.
    passage = next(p for p in index.passages if len(index.sentences_of.get(p.passage_id, [])) >= 2)
    embedder = KeywordEmbedder()
    sentences = embedder.embed([index.sentences[i].text for i in index.sentences_of[passage.passage_id]])
    expected = sentences.mean(axis=0) + TITLE_WEIGHT * embedder.embed([index.documents[passage.doc_id].title])[0]
    position = [p.passage_id for p in index.passages].index(passage.passage_id)
    np.testing.assert_allclose(index.passage_vectors[position], expected / np.linalg.norm(expected), atol=1e-5)
    # The setting is part of what an index is: switching it back rebuilds, and never reuses a pooled vector.
    reason = stale_reason(pooled_dir, corpus_copy, embedder.name, split)
    assert reason == "the passage vectors are pooled, settings ask for embedded"
    again = CountingEmbedder()
    build_index(corpus_copy, pooled_dir, again, split)
    build_index(corpus_copy, tmp_path / "fresh", KeywordEmbedder(), split)
    np.testing.assert_allclose(load_index(pooled_dir).passage_vectors, load_index(tmp_path / "fresh").passage_vectors)
    assert 0 < again.embedded <= manifest.passages  # the passages, not the sentences again


def test_an_unknown_way_of_making_passage_vectors_is_refused() -> None:
    from assistant.errors import ConfigError

    with pytest.raises(ConfigError, match="passage_vectors must be 'embedded' or 'pooled', not 'mean'"):
        Settings.load(environ={"ASSISTANT_PASSAGE_VECTORS": "mean"})
