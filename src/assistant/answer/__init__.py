"""The answer: ranked passages in, the answer's Markdown with numbered citations (or a reasoned
abstention) out.

Sentences are scored and the best chosen and quoted verbatim (``quotes``), kept only when they give
the kind of fact asked for (``query.fact_types``), completed into whole units of the report (``units``), and
reordered by their best sentence (``rerank``); a comparison is answered report by report (``compare``).
``answerer`` wires these into the answer stage. Nothing is generated.
"""
