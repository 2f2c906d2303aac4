"""The stages' seams: the assistant's own retriever, reranker and answerer satisfy the protocols a new stage
implements, and the tree keeps to the pipeline's order (a stage never imports a later one)."""

from __future__ import annotations

import ast
from pathlib import Path

from assistant.stages import Answerer, Reranker, Retriever

SRC = Path(__file__).resolve().parents[1] / "src" / "assistant"
ORDER = ("ingest", "index", "query", "answer", "chat")


def test_the_default_stages_satisfy_the_protocols(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(fake_assistant.ranker, Retriever) and isinstance(fake_assistant.ranker, Reranker)
    assert isinstance(fake_assistant.answerer, Answerer)
    query = fake_assistant.ranker.query("What did Ofsted say about care leavers?")
    ranked = fake_assistant.ranker.search(query, None)
    reranked = fake_assistant.ranker.rerank(ranked, query)
    assert sorted(s.passage for s in reranked) == sorted(s.passage for s in ranked)  # reordered, none added


def test_no_stage_imports_a_later_one() -> None:
    backwards = []
    for stage in ORDER:
        for path in (SRC / stage).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assistant."):
                    target = node.module.split(".")[1]  # type: ignore[union-attr]
                    if target in ORDER and ORDER.index(target) > ORDER.index(stage):
                        backwards.append(f"{path.relative_to(SRC)} imports {node.module}")
    assert backwards == []
