"""What a PDF states about itself: its publisher and its kind, read with general rules (made-up names)."""

from __future__ import annotations

from assistant.ingest.loaders.pdf_meta import stated_area, stated_kind, stated_publisher

LAST_PAGE = (
    "The Office for Quality in Widgets (Oqw) regulates and inspects widget services.\n"
    "This publication is available at www.example.gov/organisations/oqw.\n"
    "Interested in our work? Contact the Records Team (RT) at enquiries@oqw.example.gov."
)


def test_the_short_name_an_organisation_gives_itself_is_the_publisher_when_its_address_agrees() -> None:
    assert stated_publisher({}, ("Inspection of Testshire", LAST_PAGE)) == "Oqw"
    # A bracketed short name that is not the publication's own address names someone else.
    assert stated_publisher({}, ("The Records Team (RT) keeps files.", "Call us.")) is None


def test_a_publisher_sentence_never_runs_on_from_the_line_before() -> None:
    page = "Overall effectiveness\tGood\nOqw produces this report under the Act."
    assert stated_publisher({}, (page,)) == "Oqw"


def test_the_metadata_author_wins_when_it_is_an_organisation() -> None:
    assert stated_publisher({"Author": "Widget Inspectorate"}, (LAST_PAGE,)) == "Widget Inspectorate"


def test_a_title_names_the_kind_of_report() -> None:
    assert stated_kind("Testshire: Inspection of children’s social care services") == "inspection report"
    assert stated_kind("Re-inspection of services for children in need of help") == "inspection report"
    assert stated_kind("Monitoring visit to Testshire children’s services") == "monitoring visit letter"
    assert stated_kind("Testshire Metropolitan Borough Council") is None


def test_a_title_naming_only_the_kind_of_service_leaves_the_area_to_the_council_line_above() -> None:
    from assistant.ingest.loaders.pdf_lines import PdfLine

    def run(text: str, size: float) -> list[PdfLine]:
        return [PdfLine(1, 0, 0, 1, 1, 1, text, size, False)]

    council = run("Testshire Borough Council", 26)
    for title in ("Inspection of local authority children’s services",
                  "Inspection of local authority children’s social care services"):
        assert stated_area([council, run(title, 16)]) == "Testshire Borough Council", title
    assert stated_area([run("Inspection of Testshire Children and Families Trust", 26)]) == (
        "Testshire Children and Families Trust"
    )
