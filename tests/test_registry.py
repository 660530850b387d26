"""The registry: every op type has an OpInfo record, and a gradient rule or a
not-differentiable mark."""

from flowgrad.framework.registry import REGISTRY, NotDifferentiable, OpDef
from flowgrad.testing.op_info import all_records


def _import_all_families():
    import importlib
    import pkgutil

    import flowgrad

    for module in pkgutil.walk_packages(flowgrad.__path__, "flowgrad."):
        if module.name.split(".")[1] in ("ops", "train", "summary", "distributed"):
            try:
                importlib.import_module(module.name)
            except ImportError:  # optional extras (mpi4py) may be missing
                pass


def test_every_registered_op_has_a_record():
    _import_all_families()
    covered = {t for r in all_records() for t in r.types}
    missing = sorted(set(REGISTRY) - covered)
    assert not missing, f"op types without an OpInfo record: {missing}"


def test_every_record_names_registered_types():
    _import_all_families()
    unknown = sorted({t for r in all_records() for t in r.types} - set(REGISTRY))
    assert not unknown, f"records naming unregistered op types: {unknown}"


def test_every_differentiable_op_has_a_gradient_rule():
    _import_all_families()
    lacking = [name for name, opdef in REGISTRY.items()
               if opdef.differentiable and type(opdef).gradient is OpDef.gradient]
    assert not lacking, f"differentiable ops without a gradient rule: {lacking}"


def test_not_differentiable_ops_say_so():
    for name, opdef in REGISTRY.items():
        if isinstance(opdef, NotDifferentiable):
            assert not opdef.differentiable, name
