"""Write docs/api.md: every public name of flowgrad's namespaces with its one-line docstring.

    python scripts/make_api_docs.py            # rewrite docs/api.md
    python scripts/make_api_docs.py --check    # exit 1 if docs/api.md is out of date

A namespace's public names are its `__all__`, or else the names it defines (functions and
classes whose home is that module, data without a leading underscore); the top-level `flowgrad`
module re-exports, so every flowgrad object in it counts. tests/test_docs.py fails when a
public function or class has no docstring, or when docs/api.md differs from this output.
"""

from __future__ import annotations

import argparse
import enum
import importlib
import inspect
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API_PAGE = ROOT / "docs" / "api.md"

# (module, the name users write)
NAMESPACES = [
    ("flowgrad", "tf"),
    ("flowgrad.nn", "tf.nn"),
    ("flowgrad.train", "tf.train"),
    ("flowgrad.losses", "tf.losses"),
    ("flowgrad.metrics", "tf.metrics"),
    ("flowgrad.gfile", "tf.gfile"),
    ("flowgrad.summary", "tf.summary"),
    ("flowgrad.layers", "tf.layers"),
    ("flowgrad.initializers", "tf.initializers"),
    ("flowgrad.test", "tf.test"),
    ("flowgrad.errors", "tf.errors"),
    ("flowgrad.debugging", "tf.debugging"),
    ("flowgrad.dtypes", "tf.dtypes"),
    ("flowgrad.datasets", "flowgrad.datasets"),
    ("flowgrad.evaluation", "flowgrad.evaluation"),
    ("flowgrad.plot", "flowgrad.plot"),
    ("flowgrad.doctor", "flowgrad.doctor"),
    ("flowgrad.distributed", "flowgrad.distributed"),
]
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


@dataclass
class Entry:
    """One public name: how it is called, its one-line summary, and whether a docstring exists."""

    name: str
    signature: str
    summary: str
    kind: str  # function, class, namespace or data
    documented: bool
    methods: list[Entry] = field(default_factory=list)


def _is_flowgrad(obj) -> bool:
    return (getattr(obj, "__module__", None) or "").split(".")[0] == "flowgrad"


def _own_doc(obj) -> str | None:
    """The object's own docstring (a class does not inherit its base's here)."""
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


def summary_line(doc: str) -> str:
    """The first paragraph of a docstring, on one line."""
    return " ".join(doc.split("\n\n")[0].split())


def _signature(name: str, obj, drop_self: bool = False) -> str:
    """name(parameters) without annotations (they are for type checkers, not for reading)."""
    if inspect.isclass(obj) and obj.__init__ is not object.__init__:
        obj, drop_self = obj.__init__, True  # what users pass, even when __new__ is generic
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return name + "(...)"
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    if drop_self and params and params[0].name in ("self", "cls"):
        params = params[1:]
    sig = sig.replace(parameters=params, return_annotation=inspect.Signature.empty)
    return name + _ADDRESS.sub("", str(sig))


def _methods(cls) -> list[Entry]:
    """The public methods and properties a class defines itself (inherited docstrings count)."""
    out = []
    for name, attr in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(attr, property):
            doc = inspect.getdoc(getattr(cls, name))
            out.append(Entry(f".{name}", f".{name}", summary_line(doc or ""), "property",
                             doc is not None))
        elif isinstance(attr, (staticmethod, classmethod)) or inspect.isfunction(attr):
            func = getattr(cls, name)
            doc = inspect.getdoc(func)
            drop = inspect.isfunction(attr)
            out.append(Entry(f".{name}", _signature(f".{name}", func, drop_self=drop),
                             summary_line(doc or ""), "method", doc is not None))
    return sorted(out, key=lambda e: (e.name.lower(), e.name))


def _is_constant(obj) -> bool:
    if isinstance(obj, (bool, int, float, str, type(None), enum.Enum)):
        return True
    return isinstance(obj, tuple) and all(_is_constant(v) or type(v).__name__ == "DType"
                                          for v in obj)


def _data_summary(obj) -> str:
    """A constant shows its value; another object (state that changes) only its type."""
    kind = type(obj).__name__
    if kind == "DType":
        return f"the dtype {obj.name}"
    if _is_constant(obj):
        return f"{kind} constant: `{_ADDRESS.sub('', repr(obj))}`"
    doc = _own_doc(type(obj)) if _is_flowgrad(type(obj)) else None
    return f"an instance of `{kind}`" + (f": {summary_line(doc)}" if doc else "")


def public_names(module) -> list[str]:
    """A namespace's public names, as the module docstring above defines them."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return sorted(names, key=lambda n: (n.lower(), n))
    package = hasattr(module, "__path__")  # a package re-exports: every flowgrad object counts
    chosen = []
    for name, obj in vars(module).items():
        if name.startswith("_") or type(obj).__module__ == "__future__":
            continue
        if inspect.ismodule(obj):
            if not package:
                continue
        elif callable(obj):
            home = getattr(obj, "__module__", None)
            if not (_is_flowgrad(obj) if package else home == module.__name__):
                continue
        chosen.append(name)
    return sorted(chosen, key=lambda n: (n.lower(), n))


def entries(module_name: str) -> list[Entry]:
    """Every public name of one namespace, described."""
    module = importlib.import_module(module_name)
    spoken = dict(NAMESPACES)
    out = []
    for name in public_names(module):
        obj = getattr(module, name)
        if inspect.ismodule(obj):
            # only tf.* namespaces: others become attributes only once something imports them
            target = spoken.get(obj.__name__)
            if target is None or not target.startswith("tf."):
                continue
            out.append(Entry(name, name, f"the `{target}` namespace (below)", "namespace", True))
        elif inspect.isclass(obj) or callable(obj):
            doc = _own_doc(obj)
            if doc is None and not _is_flowgrad(obj):
                home = getattr(obj, "__module__", "?")
                what = "protobuf message" if home.endswith("_pb2") else "object"
                doc = f"the {what} `{getattr(obj, '__qualname__', name)}` of `{home}`"
            kind = "class" if inspect.isclass(obj) else "function"
            methods = _methods(obj) if inspect.isclass(obj) and _is_flowgrad(obj) else []
            out.append(Entry(name, _signature(name, obj), summary_line(doc or ""), kind,
                             doc is not None, methods))
        else:
            out.append(Entry(name, name, _data_summary(obj), "data", True))
    return out


def _anchor(spoken: str) -> str:
    return spoken.replace(".", "").lower()


def render() -> str:
    """The whole of docs/api.md."""
    lines = [
        "# API reference",
        "",
        "Every public name of flowgrad, with the first line of its docstring. Generated by",
        "`python scripts/make_api_docs.py` from the code; `tests/test_docs.py` fails when this",
        "page is out of date or when a public function or class has no docstring. The guide",
        "([guide.md](guide.md)) shows how they fit together; TF1 users start with",
        "[coming-from-tf1.md](coming-from-tf1.md).",
        "",
        "Write `import flowgrad as tf`; `flowgrad.datasets`, `flowgrad.evaluation`, `flowgrad.plot`,",
        "`flowgrad.doctor` and `flowgrad.distributed` are imported by name.",
        "",
        " · ".join(f"[{spoken}](#{_anchor(spoken)})" for _, spoken in NAMESPACES),
        "",
    ]
    listed: dict[int, str] = {}  # a class's methods are listed where it first appears
    for module_name, spoken in NAMESPACES:
        module = importlib.import_module(module_name)
        items = entries(module_name)
        lines += [f"## {spoken}", ""]
        doc = _own_doc(module)
        if doc:
            lines += [summary_line(doc), ""]
        lines.append(f"{len(items)} names.")
        lines.append("")
        for e in items:
            summary = e.summary or "**(no docstring)**"
            lines.append(f"- `{e.signature}` — {summary}")
            if not e.methods:
                continue
            obj = getattr(module, e.name)
            if id(obj) in listed:
                lines.append(f"  (methods: see `{listed[id(obj)]}`)")
                continue
            listed[id(obj)] = f"{spoken}.{e.name}"
            bases = [b.__name__ for b in obj.__mro__[1:-1] if _is_flowgrad(b)]
            if bases:
                lines.append(f"  (and the methods of {', '.join(f'`{b}`' for b in bases)})")
            for m in e.methods:
                lines.append(f"  - `{m.signature}` — {m.summary or '**(no docstring)**'}")
        lines.append("")
    return "\n".join(lines)


def undocumented() -> list[str]:
    """Public flowgrad functions, classes and methods without a docstring (`tf.nn.relu`)."""
    missing = []
    for module_name, spoken in NAMESPACES:
        for e in entries(module_name):
            if not e.documented:
                missing.append(f"{spoken}.{e.name}")
            missing += [f"{spoken}.{e.name}{m.name}" for m in e.methods if not m.documented]
    return sorted(set(missing))


def main(argv=None) -> int:
    """Rewrite docs/api.md, or with --check report whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/api.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = API_PAGE.read_text(encoding="utf-8") if API_PAGE.exists() else ""
        if current != text:
            print(f"{API_PAGE} is out of date: run python scripts/make_api_docs.py",
                  file=sys.stderr)
            return 1
        return 0
    API_PAGE.parent.mkdir(parents=True, exist_ok=True)
    API_PAGE.write_text(text, encoding="utf-8")
    missing = undocumented()
    print(f"wrote {API_PAGE}" + (f"; no docstring: {', '.join(missing)}" if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
