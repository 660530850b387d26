"""`flowgrad demo NAME|all [--steps N] [--out DIR]`: trains the book's example models on toy
data with a progress bar, then says where their plots and TensorBoard logs are.

Each demo is a program in examples/ (the book's TF1 code with `import flowgrad as tf`) that
defines `train(n_steps, out, on_step=None, verbose=True) -> dict` with "plots" and "logdir"."""

from __future__ import annotations

import glob
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@dataclass(frozen=True)
class Demo:
    """One demo: its command-line name, its program in examples/, and its default step count."""

    name: str
    script: str
    steps: int
    about: str


DEMOS: dict[str, Demo] = {}


def register(demo: Demo) -> Demo:
    """Adds a demo to `flowgrad demo` (later chapters add theirs)."""
    DEMOS[demo.name] = demo
    return demo


register(Demo("linear-regression", "linear_regression", 8000,
              "chapter 3: a line through noisy points (y = 5x + 2), Adam, 8000 steps"))
register(Demo("logistic-regression", "logistic_regression", 1000,
              "chapter 3: two Gaussian blobs split by a line, Adam, 1000 steps"))
register(Demo("fcnet", "fcnet_classification", 480,
              "chapter 4: ReLU hidden layer, dropout and a weighted loss on imbalanced "
              "toxicity-like data, 10 epochs of minibatch 100 (480 steps)"))
register(Demo("digits", "digits_mlp", 1290,
              "chapter 4: softmax classifier of the 8x8 digits, 64 ReLU units, dropout, "
              "30 epochs of minibatch 32 (1290 steps)"))


def load_example(script: str):
    """The module of examples/<script>.py (loaded once)."""
    module_name = f"flowgrad_examples.{script}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    path = EXAMPLES / f"{script}.py"
    if not path.is_file():
        raise FileNotFoundError(f"flowgrad demo needs the example programs of a source checkout "
                                f"(install with `pip install -e .`): {path} is missing.")
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def add_arguments(parser) -> None:
    """The demo subcommand's arguments."""
    about = "; ".join(f"{d.name}: {d.about}" for d in DEMOS.values())
    parser.add_argument("name", choices=[*DEMOS, "all"], help=f"which demo to run ({about})")
    parser.add_argument("--steps", type=int, default=None,
                        help="training steps (default: each demo's own, as in the book)")
    parser.add_argument("--out", default="runs",
                        help="folder for the runs: one subfolder of plots and logs per demo")


def run(args) -> int:
    """Runs the chosen demos; returns the exit status."""
    names = list(DEMOS) if args.name == "all" else [args.name]
    if args.steps is not None and args.steps < 1:
        print(f"flowgrad demo: --steps must be at least 1, got {args.steps}", file=sys.stderr)
        return 2
    written = []
    for name in names:
        demo = DEMOS[name]
        folder = os.path.join(args.out, name)
        results = run_demo(demo, args.steps or demo.steps, folder)
        written.append((name, results))
    print()
    for name, results in written:
        print(f"{name}:")
        for path in results["plots"]:
            print(f"  plot  {path}")
        print(f"  logs  {results['logdir']}")
    print(f"\nSee the loss curves and graphs in TensorBoard:  flowgrad board {args.out}")
    return 0


def run_demo(demo: Demo, steps: int, folder: str) -> dict:
    """Trains one demo into `folder` with a progress bar; returns the example's results."""
    from tqdm import tqdm

    module = load_example(demo.script)
    _remove_old_events(os.path.join(folder, "logs"))
    print(f"\n== {demo.name}: {demo.about}")
    with tqdm(total=steps, desc=demo.name, unit="step", mininterval=0.2, leave=True) as bar:
        def on_step(i, loss):
            bar.update(1)
            if i % 100 == 0 or i == steps - 1:
                bar.set_postfix(loss=f"{loss:.4g}", refresh=False)
            if i == steps - 1:
                bar.close()  # before the example prints its results

        results = module.train(steps, folder, on_step=on_step, verbose=True)
    return results


def _remove_old_events(logdir: str) -> None:
    # a rerun replaces the demo's previous run: two event files in one folder would be drawn by
    # TensorBoard as one interleaved curve
    old = glob.glob(os.path.join(glob.escape(logdir), "*tfevents*"))
    for path in old:
        os.remove(path)
    if old:
        print(f"(replacing the previous run in {logdir})")
