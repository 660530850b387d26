"""OpInfo records, one module per op family, each defining RECORDS."""
