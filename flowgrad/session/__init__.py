"""Sessions: run parts of a graph, holding Variables' values."""
