"""Filtering and browsing a national library: search, sort, counts and filter choices over 500 made-up
report records (plain data, no index), the page's wiring of them, and the CLI's `documents` listing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from assistant import cli
from assistant.chat.catalogue import (
    browse,
    by_area_then_date,
    count_line,
    document_label,
    facet_choices,
    filter_summary,
    filtered,
    listed_ids,
    report_choices,
    search_documents,
)
from assistant.chat.render import collection_html
from assistant.errors import InvalidFilterError
from assistant.query.retrieval import allowed_documents
from assistant.settings import Settings
from assistant.types import Document, Filters
from library_helpers import KINDS, PUBLISHERS, area_names, indexed_library, library

pytestmark = [
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return library(500, areas=50)


def _page_fn(demo: Any, name: str) -> Any:
    return next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == name)


# ------------------------------------------------------------------------------------------------ search


def test_search_finds_every_report_of_an_area_and_only_those(docs: list[Document]) -> None:
    area = area_names(50)[7]
    found = search_documents(docs, area.upper())
    assert len(found) == 10 and {d.area for d in found} == {area}
    # Every word must match, in any order, parts of words included.
    ofsted = search_documents(docs, f"ofsted {area[:5].lower()}")
    assert ofsted and all(d.publisher == "Ofsted" and d.area == area for d in ofsted)
    assert len(ofsted) == len([d for d in docs if d.publisher == "Ofsted" and d.area == area])
    assert search_documents(docs, f"{area} nothing-like-this") == []


def test_search_by_year_month_and_kind(docs: list[Document]) -> None:
    in_2016 = search_documents(docs, "2016")
    assert in_2016 and len(in_2016) == len([d for d in docs if d.date and d.date.startswith("2016")])
    march = search_documents(docs, "march 2016")
    assert march and all(d.date and d.date.startswith("2016-03") for d in march)
    news = search_documents(docs, "NEWS article")
    assert len(news) == len([d for d in docs if d.kind == "news article"]) > 0


def test_search_folds_quotes_and_keeps_order(docs: list[Document]) -> None:
    assert search_documents(docs, "") == docs and search_documents(docs, "   ") == docs
    curly = search_documents(docs, "children’s services")  # a curly apostrophe finds the straight one
    assert curly == docs  # every made-up title says "children's services", in the given order


# ---------------------------------------------------------------------------------------- sort and browse


def test_browsing_sorts_by_area_then_newest_first(docs: list[Document]) -> None:
    undated = replace(docs[0], doc_id="undated", date=None)
    nowhere = replace(docs[1], doc_id="nowhere", area=None)
    ordered = by_area_then_date([nowhere, undated, *docs])
    areas = [d.area for d in ordered if d.area]
    assert areas == sorted(areas, key=str.casefold)
    assert ordered[-1].doc_id == "nowhere"  # no area: last
    first_area = [d for d in ordered if d.area == docs[0].area]
    dates = [d.date for d in first_area if d.date]
    assert dates == sorted(dates, reverse=True) and first_area[-1].doc_id == "undated"


def test_browse_applies_the_filters_and_the_search(docs: list[Document]) -> None:
    names = area_names(50)
    filters = Filters(areas=(names[3], names[4]), date_from="2016", date_to="2019")
    shown = browse(docs, filters, "")
    expected = {d.doc_id for d in docs if d.area in names[3:5] and d.date and "2016" <= d.date[:4] <= "2019"}
    assert {d.doc_id for d in shown} == expected and 0 < len(shown) < 20
    publisher = shown[0].publisher
    narrower = browse(docs, filters, publisher)
    assert narrower and all(d.publisher == publisher for d in narrower) and len(narrower) < len(shown)
    assert browse(docs, Filters(), "") == by_area_then_date(docs)
    assert filtered(docs, Filters(kinds=("NEWS ARTICLE",))) == [d for d in docs if d.kind == "news article"]


def test_the_listed_reports_can_be_picked_when_there_are_few_enough(docs: list[Document]) -> None:
    area = area_names(50)[21]
    ids = listed_ids(docs, Filters(publishers=("Ofsted",)), area, limit=50)
    assert isinstance(ids, list) and ids == [d.doc_id for d in browse(docs, Filters(publishers=("Ofsted",)), area)]
    assert len(ids) == 3
    assert listed_ids(docs, Filters(), "", limit=50) == "500 reports are listed: narrow the list to 50 or fewer " \
        "first (search or filter)."
    assert str(listed_ids(docs, Filters(), "nothing like this", limit=50)).startswith("No report is listed")


def test_counts_say_how_many_of_how_many_and_why() -> None:
    assert count_line(500, 500) == "Showing all 500 reports."
    assert count_line(12, 500, "  ofsted   2021 ") == "Showing 12 of 500 reports, matching “ofsted 2021”."
    assert count_line(40, 500, narrowed=True) == "Showing 40 of 500 reports, within the filters."
    assert count_line(0, 500, "zz").startswith("No report matching “zz”: try fewer words")
    assert filter_summary(500, 500) == "Questions search all 500 reports."
    assert filter_summary(7, 500) == "Questions search 7 of 500 reports."
    assert filter_summary(0, 500).startswith("No report matches these filters")


def test_the_collection_table_lists_what_it_is_given_area_first_and_keeps_the_skipped_files(
    docs: list[Document],
) -> None:
    shown = browse(docs, Filters(), area_names(50)[0])
    table = collection_html(shown, [("broken.pdf", "it is password-protected")])
    assert table.count("<tr>") == len(shown) + 1
    assert table.index('<th scope="col">Area</th>') < table.index('<th scope="col">Date</th>')
    assert "broken.pdf</code>: it is password-protected" in table
    nothing = collection_html([], [("broken.pdf", "it is password-protected")])
    assert "<table" not in nothing and "Not indexed (1 file)" in nothing


# ----------------------------------------------------------------------------------------- filter choices


def test_filter_choices_come_from_the_documents_once_each(docs: list[Document]) -> None:
    shouting = replace(docs[0], doc_id="x", publisher=docs[0].publisher.upper())
    choices = facet_choices([*docs, shouting])
    assert choices["areas"] == sorted(area_names(50), key=str.casefold)
    assert choices["publishers"] == sorted(PUBLISHERS, key=str.casefold)  # one spelling of each
    assert choices["kinds"] == sorted(KINDS.values())


def test_report_choices_follow_the_other_filters_and_keep_a_selection(docs: list[Document]) -> None:
    area = area_names(50)[9]
    elsewhere = next(d for d in docs if d.area != area)
    choices = report_choices(docs, Filters(areas=(area,), doc_ids=("ignored",)), [elsewhere.doc_id])
    ids = [doc_id for _, doc_id in choices]
    assert set(ids) == {d.doc_id for d in docs if d.area == area} | {elsewhere.doc_id}
    assert len(report_choices(docs, Filters())) == 500


def test_a_report_label_names_its_area_when_the_title_does_not(docs: list[Document]) -> None:
    doc = docs[0]
    assert document_label(doc) == f"1 January 2014 · {doc.publisher}: {doc.title}"  # the title names it
    untitled = replace(doc, title="Annual report")
    assert document_label(untitled).endswith(f"Annual report ({doc.area})")


# --------------------------------------------------------------------------------- filters that name nothing


def test_a_filter_value_no_report_has_is_refused_with_the_nearest(docs: list[Document]) -> None:
    by_id = {d.doc_id: d for d in docs}
    area = area_names(50)[12]
    with pytest.raises(InvalidFilterError, match=f"No report has the area '{area[:-1]}'. Did you mean '{area}'"):
        allowed_documents(by_id, Filters(areas=(area[:-1],)))
    with pytest.raises(InvalidFilterError, match="kinds include 'commissioner report', 'council report'"):
        allowed_documents(by_id, Filters(kinds=("xyz",)))
    assert len(allowed_documents(by_id, Filters(areas=(area.lower(),), publishers=("OFSTED",)))) == 3


def test_an_area_is_found_by_the_name_a_person_calls_it(docs: list[Document]) -> None:
    by_id = {d.doc_id: d for d in docs}
    council = area_names(50)[2]  # "... Council"
    assert council.endswith(" Council")
    short = council.removesuffix(" Council")
    expected = {d.doc_id for d in docs if d.area == council}
    assert allowed_documents(by_id, Filters(areas=(short,))) == expected == allowed_documents(
        by_id, Filters(areas=(council.upper(),))
    )
    with pytest.raises(InvalidFilterError, match=f"Did you mean '{council}'"):
        allowed_documents(by_id, Filters(areas=(short + "e",)))


# ------------------------------------------------------------------------------------ the page's wiring


def test_the_page_narrows_the_reports_list_and_the_collection(tmp_path: Path) -> None:
    from assistant.chat.page import build_ui

    assistant = indexed_library(tmp_path, 120, 30)
    demo = build_ui(assistant, Settings.load(environ={}, feedback_log=tmp_path / "f.jsonl"))
    narrowed, update = _page_fn(demo, "narrowed"), _page_fn(demo, "update")
    area = area_names(30)[4]
    reports, summary = narrowed([], [], [], "", "", [area])
    assert {doc_id for _, doc_id in reports["choices"]} == {
        d.doc_id for d in assistant.documents() if d.area == area
    }
    assert summary == "Questions search 4 of 120 reports."
    assert narrowed([], [], [], "2020", "2016", [])[1].startswith("The date range runs from 2020 to 2016")
    count, listing = update(area.lower(), [], [], [], "", "", [])
    assert "Showing 4 of 120 reports, matching" in count and listing.count(f"<td data-label=\"Area\">{area}<") == 4
    count, listing = update("", [], ["Ofsted"], [], "", "", [area])
    ofsted = [d.doc_id for d in assistant.documents() if d.area == area and d.publisher == "Ofsted"]
    assert "within the filters" in count and listing.count("<tr>") - 1 == len(ofsted) > 0
    # "Ask only about these reports": the listed ones become the reports filter; too many is a warning.
    use_listed = _page_fn(demo, "use_listed")
    picked = use_listed(area, [], ["Ofsted"], [], "", "", [])
    assert sorted(picked["value"]) == sorted(ofsted)
    assert set(ofsted) <= {doc_id for _, doc_id in picked["choices"]}
    with pytest.warns(UserWarning, match="120 reports are listed"):
        assert use_listed("", [], [], [], "", "", []) is not None


# ------------------------------------------------------------------------------------------------- CLI


def test_cli_documents_lists_searches_and_refuses_an_unknown_area(tmp_path: Path) -> None:
    assistant = indexed_library(tmp_path, 60, 12)
    index = str(tmp_path / "index")
    area = area_names(12)[5]
    result = CliRunner().invoke(cli.main, ["documents", "--index", index, "--area", area, "--search", "ofsted"])
    assert result.exit_code == 0, result.output
    expected = [d for d in assistant.documents() if d.area == area and d.publisher == "Ofsted"]
    assert result.output.count(f"{area} · ") == len(expected) > 0
    assert f"Showing {len(expected)} of 60 reports, matching “ofsted” within the filters." in result.output
    wrong = CliRunner().invoke(cli.main, ["documents", "--index", index, "--area", area + "x"])
    assert wrong.exit_code == 2 and f"Did you mean '{area}'" in wrong.output
