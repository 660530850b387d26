"""`make bench`: flowgrad beside hand-written NumPy and the peers, in one run."""
