"""The answer: ranked passages in, the answer's Markdown with numbered citations (or a reasoned
abstention) out.

Sentences are scored and the best chosen and quoted verbatim (``quotes``), kept only when they give
the kind of fact asked for (``fact_types``) and, for an event, only from reports that can know its
outcome (``outcomes``); a question about a whole document is answered from its summary
(``overview``), and a comparison report by report (``compare``). Nothing is generated.
"""
