"""The query: a question, the conversation before it and the filters in, ranked passages (``Scored``) out.

Instructions hidden in a question are removed (``instructions``), a follow-up is made to stand alone
(``conversation``), its shape, years, documents and council are read (``questions``, ``scope``), and
passages are found by dense and keyword search fused into one ranking (``retrieval``), using what is
worked out once from the index (``collection``).
"""
