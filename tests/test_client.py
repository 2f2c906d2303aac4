"""The chat as a program sees it: gradio_client against a server this test starts.

In gradio 6 the endpoint is named after the function: ``/respond``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from ui_helpers import CARE_LEAVERS, running_app, ui_settings

OFSTED_2020 = "2020-12-ofsted-focused-visit-letter"
# gradio's queue still uses pandas options that pandas 3 deprecates; not this project's code.
pytestmark = [
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def app_url(fake_assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with running_app(fake_assistant, ui_settings(tmp_path_factory.mktemp("client"))) as url:
        yield url


def _client(url: str) -> Client:
    return Client(url, verbose=False, download_files=False)


def _text(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


def test_answer_with_citations(app_url: str) -> None:
    chat, question_box, answer = _client(app_url).predict(CARE_LEAVERS, api_name="/respond")
    assert question_box == ""
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert answer["question"] == CARE_LEAVERS and not answer["abstained"]
    assert any("aged 21 and over" in c["quote"] for c in answer["citations"])
    shown = _text(chat[1])
    for c in answer["citations"]:
        assert f'href="#src-1-{c["n"]}"' in shown and f'id="src-1-{c["n"]}"' in shown


def test_filters_by_keyword(app_url: str) -> None:
    _chat, _box, answer = _client(app_url).predict(
        "What did Ofsted say about care leavers?", doc_ids=[OFSTED_2020], api_name="/respond"
    )
    assert answer["citations"] and {c["doc_id"] for c in answer["citations"]} == {OFSTED_2020}


def test_two_clients_keep_separate_conversations(app_url: str) -> None:
    alice, bob = _client(app_url), _client(app_url)
    alice.predict(CARE_LEAVERS, api_name="/respond")
    trust = "What did the Commissioner recommend about a children's trust?"
    bob_chat, _, _ = bob.predict(trust, api_name="/respond")
    alice_chat, _, follow = alice.predict("And for children in care?", api_name="/respond")
    assert follow["standalone_question"] == "What did Ofsted say about children in care?"  # Alice's history
    assert len(alice_chat) == 4 and len(bob_chat) == 2
    assert "children's trust" not in " ".join(_text(m) for m in alice_chat if m["role"] == "user")
    bob_chat, _, _ = bob.predict("And what happened to it?", api_name="/respond")
    assert len(bob_chat) == 4
    assert CARE_LEAVERS not in " ".join(_text(m) for m in bob_chat)


def test_an_empty_question_is_an_error_the_caller_sees_and_changes_nothing(app_url: str) -> None:
    client = _client(app_url)
    chat, box, _ = client.predict(CARE_LEAVERS, api_name="/respond")
    with pytest.raises(AppError, match="The question is empty"):
        client.predict("   ", api_name="/respond")
    again, box, _ = client.predict("And for children in care?", api_name="/respond")
    assert len(again) == len(chat) + 2 and box == ""

