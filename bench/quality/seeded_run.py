#!/usr/bin/env python3
"""Runs a Python training or test script with its random generators seeded and torch limited to N threads,
so that a run of the reference implementation can be repeated with a chosen seed (its own scripts draw from
unseeded generators).

Usage: seeded_run.py SEED THREADS SCRIPT.py [ARGS...]   (run in the script's folder)"""
import os
import random
import runpy
import sys


def main():
    seed, threads, script, args = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    import numpy as np
    import torch
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already fixed by an earlier parallel call
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    sys.argv = [script] + args
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
