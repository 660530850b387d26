"""Shared test set-up: a reproducible hypothesis profile and a fresh default graph per test."""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=int(os.environ.get("FLOWGRAD_HYPOTHESIS_EXAMPLES", "50")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def fresh_graph():
    """Every test starts with an empty default graph."""
    import flowgrad as tf

    tf.reset_default_graph()
    yield
