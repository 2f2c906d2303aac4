"""The domain pack: one TOML file holds the field's vocabulary, drives the glossary and word lists, and is
recorded in the index manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.domain import DomainPack, DomainPackError, bundled_pack_path, default_pack, load_pack
from assistant.index.build import build_index, ensure_index, read_manifest, stale_reason
from assistant.index.embedding import KeywordEmbedder
from assistant.index.search_text import GLOSSARY, alternatives, expand, terms
from assistant.ingest.passages import SplitterSettings
from assistant.query.fact_types import grades_in
from assistant.settings import Settings


def _made_up(tmp_path: Path, old: str, new: str, name: str = "made-up.toml") -> Path:
    """The bundled pack with one line replaced."""
    text = bundled_pack_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_bundled_pack_loads_with_its_tables() -> None:
    pack = default_pack()
    assert isinstance(pack, DomainPack) and pack is default_pack()  # read once
    assert pack.label == f"childrens-services@{pack.version}" and pack.version >= 1
    assert Path(pack.path).name == "childrens-services.toml" and Path(pack.path).parent.name == "domains"
    assert pack.glossary["cla"] == "children looked after in care" and len(pack.glossary) >= 40
    assert pack.capitals_only == {"send", "mash", "pep"}
    assert {"what", "the", "which"} <= set(pack.function_words)
    assert {"say", "tell", "mention"} <= set(pack.asking_words)
    assert not {"over", "under", "after", "before"} & pack.stopwords  # they bound figures and dates
    assert pack.grades == ("outstanding", "good", "requires improvement", "inadequate")
    assert pack.grade_long_forms == {"requires improvement": "requires improvement to be good"}
    assert {"judged", "rated", "judgement", "judgment"} <= set(pack.judging_words)
    assert {"compare", "versus"} <= set(pack.comparing_words)
    assert pack.phrases["we care for"] == "looked after children in care"
    assert pack.label_words["date"] == "date dates"
    with pytest.raises(TypeError):
        pack.glossary["cla"] = "changed"  # type: ignore[index]  # read-only
    # The modules read the pack: their names are the pack's values.
    assert dict(pack.glossary) == GLOSSARY


def test_the_pack_holds_no_council_abbreviation() -> None:
    assert not {"wscc", "hcc"} & set(default_pack().glossary)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (f"version = {default_pack().version}", 'version = "one"', "'version' must be a whole number"),
        ('cla = "children looked after in care"', "cla = 3", "'glossary' must be a table of non-empty strings"),
        ('capitals_only = ["send", "mash", "pep"]', "capitals = []", "'glossary_rules.capitals_only' is missing"),
        ("[grades]", "[grades\n", "cannot be read"),
    ],
)
def test_a_malformed_pack_is_refused_naming_the_file_and_the_key(tmp_path: Path, old: str, new: str, says: str) -> None:
    path = _made_up(tmp_path, old, new, "broken.toml")
    with pytest.raises(DomainPackError) as info:
        load_pack(path)
    assert str(path) in str(info.value) and says in str(info.value)


def test_a_missing_pack_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DomainPackError, match="nowhere.toml cannot be read"):
        load_pack(tmp_path / "nowhere.toml")


def test_the_pack_file_drives_query_expansion(tmp_path: Path) -> None:
    made_up = load_pack(_made_up(tmp_path, 'cla = "children looked after in care"', 'cla = "care leavers aftercare"'))
    question = "How many CLA were there?"
    assert expand(question).endswith("(children looked after in care)")
    assert expand(question, pack=made_up).endswith("(care leavers aftercare)")
    assert alternatives(question, pack=made_up)["cla"] == set(terms("care leavers aftercare"))
    # A full form the question spells out finds the abbreviation of the pack that has it.
    added = load_pack(_made_up(tmp_path, 'led = "lead"', 'led = "lead"\nicb = "integrated care board"', "b.toml"))
    assert "icb" in expand("What did the integrated care board say?", pack=added)
    assert "icb" not in expand("What did the integrated care board say?")


def test_the_grade_scale_reads_long_forms_as_their_grade() -> None:
    assert grades_in("Overall effectiveness is judged to be 'Requires improvement to be good'") == {
        "requires improvement"
    }
    assert grades_in("Services were judged inadequate in 2019.") == {"inadequate"}


def test_the_manifest_records_the_pack_and_a_new_version_is_stale(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir, emb, split = tmp_path / "index", KeywordEmbedder(), SplitterSettings()
    manifest = build_index(corpus_copy, index_dir, emb, split)
    current = default_pack().label
    assert manifest.domain_pack == read_manifest(index_dir).domain_pack == current
    assert stale_reason(index_dir, corpus_copy, emb.name, split) is None
    assert ensure_index(Settings.load(environ={}), emb, index_dir, corpus_copy) is None  # not rebuilt
    assert stale_reason(index_dir, corpus_copy, emb.name, split, domain_pack="childrens-services@99") == (
        f"the domain pack changed ({current} -> childrens-services@99)"
    )
    # An index built with an older version of the pack is rebuilt, saying why.
    path = index_dir / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "domain_pack": "childrens-services@0"}))
    reason = stale_reason(index_dir, corpus_copy, emb.name, split)
    assert reason == f"the domain pack changed (childrens-services@0 -> {current})"
    said: list[str] = []
    assert ensure_index(Settings.load(environ={}), emb, index_dir, corpus_copy, on_warning=said.append) is not None
    assert any("the domain pack changed" in s for s in said)
    assert read_manifest(index_dir).domain_pack == current
    assert stale_reason(index_dir, corpus_copy, emb.name, split) is None
    assert ensure_index(Settings.load(environ={}), emb, index_dir, corpus_copy) is None  # not rebuilt


def test_an_old_manifest_without_the_pack_is_not_stale_for_it(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir, emb, split = tmp_path / "index", KeywordEmbedder(), SplitterSettings()
    build_index(corpus_copy, index_dir, emb, split)
    path = index_dir / "manifest.json"
    old = json.loads(path.read_text())
    del old["domain_pack"]
    path.write_text(json.dumps(old))
    assert read_manifest(index_dir).domain_pack == ""
    assert stale_reason(index_dir, corpus_copy, emb.name, split) is None
    assert ensure_index(Settings.load(environ={}), emb, index_dir, corpus_copy) is None  # not rebuilt


def test_the_packs_are_shipped_as_package_data() -> None:
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "data/domains/*.toml" in pyproject["tool"]["setuptools"]["package-data"]["assistant"]


def test_the_packs_place_and_comparison_words_drive_names_and_comparisons() -> None:
    from assistant.answer.compare import aspect_of
    from assistant.query.scope import Scope, short_name

    pack = default_pack()
    for word in pack.frame_words:  # every framing word of the pack is left out of the name a person uses
        assert short_name(f"{word.title()} Thornbury {word}") == "thornbury", word
    for word in pack.changing_words:
        aspect = aspect_of(f"How did care leavers {word} in Thornbury?", Scope(("thornbury",), frozenset()))
        assert "care leavers" in aspect and word not in aspect.split(), (word, aspect)
