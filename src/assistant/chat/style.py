"""The chat page's look: a calm theme in the device's own fonts, and the page's CSS (answers, sources, the
collection), shared by :mod:`assistant.chat.serving` when it launches the page."""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no telemetry, ever

import gradio as gr  # noqa: E402

# The device's own fonts (San Francisco on an iPad, Segoe UI on Windows, Liberation Sans on Debian): the
# subsetted web fonts bundled with gradio lack glyphs and mix typefaces within a word, and nothing may be
# fetched from the internet.
FONTS = (
    "-apple-system",
    "BlinkMacSystemFont",
    "Segoe UI",
    "Roboto",
    "Helvetica Neue",
    "Arial",
    "Liberation Sans",
    "sans-serif",
)
MONO_FONTS = ("ui-monospace", "Menlo", "Consolas", "DejaVu Sans Mono", "monospace")


def theme() -> gr.themes.Base:
    """A calm, readable theme using the device's fonts (nothing is fetched from the internet)."""
    return gr.themes.Default(
        primary_hue="teal",
        secondary_hue="slate",
        neutral_hue="slate",
        font=FONTS,
        font_mono=MONO_FONTS,
    ).set(  # the default subdued grey is too faint to read source details comfortably
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_300",
    )


CSS = """
.gradio-container { max-width: 1280px !important; }
.masthead h1 { font-size: 1.55rem; margin: 0.2rem 0 0.3rem; }
.masthead p { margin: 0 0 0.4rem; color: var(--body-text-color-subdued); max-width: 62rem; }
#chat .user-row .message-content { font-weight: 600; }
#chat .user-row { padding-top: 6px; padding-bottom: 2px; }
#chat .message-content { line-height: 1.55; font-size: 1.06rem; }
#chat .message-content p, #chat .source-title, #chat .source-meta, #chat .sources-title,
#chat .related-title, #chat .abstained-title { display: block; }
#chat a.cite { text-decoration: none; font-weight: 600; font-size: 0.85em; padding: 0 0.2em;
  border-radius: 4px;
  color: var(--color-accent); background: var(--color-accent-soft); white-space: nowrap; }
#chat a.cite:hover, #chat a.cite:focus { text-decoration: underline; }
#chat .understood, #chat .scope { font-size: 0.92em; color: var(--body-text-color-subdued);
  margin: 0 0 0.5em; }
#chat .sources { margin-top: 0.9em; padding-top: 0.6em; border-top: 1px solid var(--border-color-primary); }
#chat .sources-title, #chat .related-title { font-weight: 700; font-size: 0.95em; margin: 0 0 0.4em; }
#chat .related-title span { font-weight: 400; color: var(--body-text-color-subdued); }
#chat ol.source-list, #chat ul.related-list { list-style: none; padding: 0; margin: 0; }
#chat li.source, #chat li.related-item { margin: 0 0 0.7em; padding: 0.55em 0.75em; border-radius: 8px;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
  scroll-margin-top: 12px; overflow-wrap: anywhere; }
#chat li.source:target { outline: 3px solid var(--color-accent); outline-offset: 1px; }
#chat .source-title { font-weight: 600; margin: 0; }
#chat .source-n { color: var(--color-accent); margin-right: 0.2em; }
#chat .source-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 0.15em 0 0.35em; }
#chat blockquote.source-quote { margin: 0.3em 0; padding: 0 0 0 0.7em;
  border-left: 3px solid var(--color-accent);
  font-style: normal; }
#chat mark { background: #fde68a; color: #1f2937; padding: 0 0.1em; border-radius: 2px; }
#chat details.passage summary { cursor: pointer; font-size: 0.88em; color: var(--color-accent); }
#chat details.passage p { font-size: 0.92em; margin: 0.4em 0 0; }
#chat details.page-view summary { cursor: pointer; font-size: 0.88em; color: var(--color-accent); }
#chat details.page-view img.page-image { display: block; width: 100%; max-width: 820px; height: auto;
  max-height: none; object-fit: contain; margin: 0.4em 0; border: 1px solid var(--border-color-primary); }
#chat details.page-view .page-link { font-size: 0.88em; margin: 0.2em 0 0; }
#chat .abstained { border-left: 5px solid #b45309; background: rgba(245, 158, 11, 0.12); border-radius: 6px;
  padding: 0.5em 0.9em; margin-bottom: 0.8em; }
#chat .abstained-title { font-weight: 700; color: #92400e; margin: 0 0 0.2em; }
.dark #chat .abstained-title { color: #fbbf24; }
#chat .related { opacity: 0.95; }
#chat li.related-item { border-style: dashed; }
#chat .working { font-style: italic; color: var(--body-text-color-subdued); }
#chat .working { animation: pulse 1.2s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: 0.45; } }
#chat .related details.passage summary { color: var(--body-text-color); }
.collection-scroll { max-height: 65vh; overflow-y: auto; -webkit-overflow-scrolling: touch;
  border: 1px solid var(--border-color-primary); border-radius: 6px; }
table.collection { width: 100%; border-collapse: collapse; font-size: 0.88rem; margin: 0; }
#collection table.collection th, #collection table.collection td { text-align: left; vertical-align: top;
  padding: 0.35em 0.5em; border: 0; border-bottom: 1px solid var(--border-color-primary);
  overflow-wrap: anywhere; }
#collection table.collection thead th { position: sticky; top: 0; z-index: 1;
  background: var(--background-fill-secondary); }
#collection table.collection td:first-child { font-weight: 600; }
#collection table.collection, #collection table.collection tr { border: 0; }
#collection p.collection-count { margin: 0.2em 0; color: var(--body-text-color-subdued); }
#side { overflow-wrap: anywhere; }
@media (max-width: 820px) {
  .masthead h1 { font-size: 1.3rem; }
  /* A tablet in portrait: each report becomes a small card (area and date, then title, publisher, kind). */
  #collection table.collection thead { display: none; }
  #collection table.collection tr { display: block; padding: 0.45em 0.5em; border: 0;
    border-bottom: 1px solid var(--border-color-primary); }
  #collection table.collection td { display: inline; border: 0; padding: 0; }
  #collection table.collection td:not(:last-child)::after { content: " · "; }
  #collection table.collection td[data-label="Title"] { display: block; font-weight: 600; }
  #collection table.collection td[data-label="Title"]::after,
  #collection table.collection td[data-label="Date"]::after { content: ""; }
  #collection table.collection td:first-child { font-weight: 400; }
  #chat li.source, #chat li.related-item { padding: 0.45em 0.55em; }
}
"""
