"""Pure evaluation metrics for retrieval, answers and citations, scored against the gold questions."""
