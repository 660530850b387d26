"""Size as a habit: each module stays within its code-line budget (tests/budgets.txt), and
every module has one."""

import pathlib

from code_lines import code_lines

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _budgets() -> dict:
    budgets = {}
    for line in (ROOT / "tests" / "budgets.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            path, limit = line.split()
            budgets[path] = int(limit)
    return budgets


def test_every_module_is_within_its_budget():
    over = []
    for path, limit in _budgets().items():
        n = code_lines((ROOT / path).read_text())
        if n > limit:
            over.append(f"{path}: {n} code lines, budget {limit}")
    assert not over, "over budget (find the smaller design, or raise it with a reason):\n" + \
        "\n".join(over)


def test_every_module_has_a_budget():
    budgets = _budgets()
    modules = [str(p.relative_to(ROOT)) for p in (ROOT / "flowgrad").rglob("*.py")
               if "testing/records" not in str(p)]
    missing = sorted(m for m in modules if m not in budgets)
    assert not missing, f"modules without a budget in tests/budgets.txt: {missing}"
