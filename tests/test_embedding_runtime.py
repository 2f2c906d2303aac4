"""The bundled model on onnxruntime: the same vectors as sentence-transformers (fp32), close ones (int8),
exported once into a cache folder, and a clear message when that folder cannot be written."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ModelError
from assistant.index.embedding import BUNDLED_MODEL, embedder_name, make_embedder
from assistant.index.embedding_onnx import INT8_MODEL, OnnxMiniLMEmbedder, exported_model
from assistant.settings import Settings

TEXTS = [
    "Care leavers aged 21 and over receive a good service.",
    "Ofsted",
    # Longer than the model's 256 word pieces: truncated the same way by both runtimes.
    "The local authority's arrangements for children in care " * 40,
    "Inspection dates: 25 April – 18 May 2017. Lead inspector: a named inspector.",
    "What did inspectors say about the quality of practice for children who need help and protection?",
]


def test_an_unwritable_cache_folder_is_a_message_naming_the_settings(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(ModelError, match="ASSISTANT_MODEL_CACHE_DIR"):
        exported_model(blocker / "models")


def test_an_unwritable_home_cache_falls_back_to_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.index.embedding_onnx as onnx_module

    blocker = tmp_path / "home-cache"
    blocker.write_text("not a folder")
    monkeypatch.setattr(onnx_module, "default_cache_dir", lambda: blocker / "assistant")
    monkeypatch.setattr(onnx_module.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    made: list[Path] = []
    monkeypatch.setattr(onnx_module, "_export", lambda model, target: (made.append(target), target.write_bytes(b"x")))
    path = exported_model()
    assert path.parent == tmp_path / "tmp" / f"assistant-{os.getuid()}" and path.is_file() and made == [path]


def test_settings_name_the_runtime_and_its_model() -> None:
    assert embedder_name(Settings.load(environ={})) == BUNDLED_MODEL  # the default: onnx fp32, torch's name
    assert embedder_name(Settings.load(environ={"ASSISTANT_EMBEDDING_RUNTIME": "torch"})) == BUNDLED_MODEL
    assert embedder_name(Settings.load(environ={"ASSISTANT_EMBEDDING_RUNTIME": "onnx-int8"})) == INT8_MODEL


@pytest.mark.slow
def test_onnx_gives_the_torch_models_vectors_and_int8_close_ones(real_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assistant.index.embedding import MiniLMEmbedder

    assert isinstance(real_embedder, OnnxMiniLMEmbedder) and real_embedder.name == BUNDLED_MODEL
    torch_vectors = MiniLMEmbedder().embed(TEXTS)
    onnx_vectors = real_embedder.embed(TEXTS)  # a batch: padded to its longest text
    one_by_one = np.vstack([real_embedder.embed([t]) for t in TEXTS])  # unpadded, on one thread
    assert onnx_vectors.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(onnx_vectors * torch_vectors, axis=1)) > 0.9999
    assert np.min(np.sum(one_by_one * onnx_vectors, axis=1)) > 0.9999

    int8 = make_embedder(Settings.load(environ={}, embedding_runtime="onnx-int8", model_cache_dir=str(tmp_path)))
    assert int8.name == INT8_MODEL
    cosines = np.sum(int8.embed(TEXTS) * torch_vectors, axis=1)
    assert 0.95 < np.min(cosines) < 0.9999  # close, but moved: hence its own model name
    exported = sorted(p.name for p in tmp_path.glob("*.onnx"))
    assert len(exported) == 2 and any(n.endswith("-int8.onnx") for n in exported)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.onnx")}
    make_embedder(Settings.load(environ={}, embedding_runtime="onnx-int8", model_cache_dir=str(tmp_path)))
    assert {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.onnx")} == before  # exported once, then reused
