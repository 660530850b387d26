"""Internal test support: one OpInfo record per op drives the generic op suites."""
