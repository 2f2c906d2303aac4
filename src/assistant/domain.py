"""The domain pack: the vocabulary of one field of reports (its glossary, stopwords and words of asking,
its grade scale), read from one TOML file rather than written into code, so that another field is a new
pack and not new code.

The bundled pack, ``data/domains/childrens-services.toml``, is the default (``default_pack``). The index
manifest records the pack an index was built with as ``name@version`` (``DomainPack.label``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from assistant.errors import AssistantError

DEFAULT_PACK = "childrens-services.toml"


class DomainPackError(AssistantError):
    """A domain pack file that cannot be read, or whose tables are missing or of the wrong type."""


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: the pack is a cache key
class DomainPack:
    """One field's vocabulary, read-only; see the bundled pack's comments for what each table is for."""

    name: str
    version: int
    function_words: tuple[str, ...]
    asking_words: tuple[str, ...]
    glossary: Mapping[str, str]
    capitals_only: frozenset[str]
    phrases: Mapping[str, str]
    comparing_words: tuple[str, ...]
    changing_words: tuple[str, ...]
    about_reports_words: tuple[str, ...]
    frame_words: tuple[str, ...]
    label_words: Mapping[str, str]
    grades: tuple[str, ...]
    grade_long_forms: Mapping[str, str]
    judging_words: tuple[str, ...]
    path: str = ""

    @property
    def label(self) -> str:
        """``name@version``, as the index manifest records it."""
        return f"{self.name}@{self.version}"

    def words_pattern(self, words: tuple[str, ...]) -> str:
        """A regular expression (no groups) matching any of ``words`` as written, longest first; an
        apostrophe matches a straight or a curly one."""
        alternatives = sorted({re.escape(w).replace("'", "['’]") for w in words}, key=lambda w: (-len(w), w))
        return "(?:" + "|".join(alternatives) + ")"

    @property
    def stopwords(self) -> frozenset[str]:
        """The words that carry no topic: function words and words of asking."""
        return frozenset(self.function_words) | frozenset(self.asking_words)


def bundled_pack_path(name: str = DEFAULT_PACK) -> Path:
    """Where a pack shipped with the package is."""
    with resources.as_file(resources.files("assistant") / "data" / "domains" / name) as local:
        return Path(local)


class _Reader:
    """Typed access to a parsed pack, naming the file and the key when something is wrong."""

    def __init__(self, data: Mapping[str, Any], path: Path) -> None:
        self.data, self.path = data, path

    def fail(self, key: str, wanted: str) -> DomainPackError:
        return DomainPackError(f"The domain pack {self.path} is malformed: {key!r} must be {wanted}.")

    def get(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise DomainPackError(f"The domain pack {self.path} is malformed: {key!r} is missing.")
            node = node[part]
        return node

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "a non-empty string")
        return value

    def words(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
            raise self.fail(key, "a list of non-empty strings")
        return tuple(value)

    def table(self, key: str) -> Mapping[str, str]:
        value = self.get(key)
        if not isinstance(value, Mapping) or not all(isinstance(v, str) and v.strip() for v in value.values()):
            raise self.fail(key, "a table of non-empty strings")
        return MappingProxyType(dict(value))


def load_pack(path: str | Path | None = None) -> DomainPack:
    """Read a domain pack; ``path`` None reads the bundled children's-services pack.

    Raises:
        DomainPackError: the file cannot be read or parsed, or a key is missing or of the wrong type
            (the message names the file and the key).
    """
    file = Path(path) if path else bundled_pack_path()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DomainPackError(f"The domain pack {file} cannot be read: {exc}") from exc
    r = _Reader(data, file)
    version = r.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise r.fail("version", "a whole number from 1")
    grades = r.words("grades.scale")
    long_forms = r.table("grades.long_forms")
    for grade, long in long_forms.items():
        if grade not in grades or not long.startswith(grade):
            raise r.fail(f"grades.long_forms.{grade}", "a grade of grades.scale mapped to a phrase that begins with it")
    return DomainPack(
        name=r.text("name"),
        version=version,
        function_words=r.words("stopwords.function_words"),
        asking_words=r.words("stopwords.asking_words"),
        glossary=MappingProxyType({k.lower(): v for k, v in r.table("glossary").items()}),
        capitals_only=frozenset(w.lower() for w in r.words("glossary_rules.capitals_only")),
        phrases=r.table("glossary_rules.phrases"),
        comparing_words=r.words("asking.comparing"),
        changing_words=r.words("asking.changing"),
        about_reports_words=r.words("asking.about_reports"),
        frame_words=r.words("places.frame_words"),
        label_words=r.table("asking.label_words"),
        grades=tuple(g.lower() for g in grades),
        grade_long_forms=MappingProxyType({k.lower(): v.lower() for k, v in long_forms.items()}),
        judging_words=r.words("grades.judging_words"),
        path=str(file),
    )


@lru_cache(maxsize=1)
def default_pack() -> DomainPack:
    """The bundled children's-services pack, read once."""
    return load_pack()
