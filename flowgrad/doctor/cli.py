"""`flowgrad doctor LOGDIR`: diagnose the loss curves in TensorBoard event files."""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `flowgrad doctor`."""
    parser.add_argument("logdir", help="folder of runs (event files, nested folders) or one file")
    parser.add_argument("--tag", action="append", metavar="T",
                        help="diagnose this tag (repeat for several); default: tags with 'loss'")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list, one object per run and tag")
    parser.add_argument("--plot", metavar="OUT.png", help="draw the curves and diagnoses here")
    parser.add_argument("--data", nargs=2, metavar=("X.npy", "Y.npy"),
                        help="the data of a linear model: compare with the least-squares loss")


def run(args: argparse.Namespace) -> int:
    """Diagnose every loss curve under args.logdir; print a report or JSON."""
    from flowgrad.doctor import report

    data = None
    if args.data:
        data = (np.load(args.data[0]), np.load(args.data[1]))
    try:
        results = report.diagnose_logdir(args.logdir, args.tag, data)
    except FileNotFoundError as e:
        print(f"flowgrad doctor: {e}", file=sys.stderr)
        return 2
    if not results:
        wanted = ", ".join(args.tag) if args.tag else "tags containing 'loss'"
        print(f"flowgrad doctor: no scalar series ({wanted}) in event files under {args.logdir}",
              file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([report.json_object(p, d) for p, d in results], indent=2))
    else:
        print("\n\n".join(report.text_block(p, d) for p, d in results))
    if args.plot:
        path = report.plot(results, args.plot)
        print(f"plot: {path}", file=sys.stderr if args.json else sys.stdout)
    return 0
