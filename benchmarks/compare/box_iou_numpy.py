#!/usr/bin/env python3
# Copyright (c) TokenLabeling contributors. Licensed under the MIT licence.
"""Pairwise box IoU (float32 N x M) with numpy broadcasting: the peer measured against BoxKernels.IouMatrix.

Same inputs as benchmarks/TokenLabeling.Benchmarks/Geometry/BoxIouBenchmarks.cs (boxes of 10..110 px on a 1,000 px image,
N = M in {1000, 4003}), same formula (clamped widths, 0 when there is no positive intersection), float32 throughout.
Prints the best of several timed runs in G pairs/s (10^9 box pairs per second), one line per size.

Usage: /usr/bin/python3 benchmarks/compare/box_iou_numpy.py [--sizes 1000,4003] [--repeats 5]
Needs only numpy (Debian: apt-get install -y python3-numpy).
"""
import argparse
import time

import numpy as np


def random_boxes(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    xy = rng.random((n, 2)) * 900
    wh = 10 + rng.random((n, 2)) * 100
    return np.concatenate([xy, xy + wh], axis=1).astype(np.float32)


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every row box of a with every box of b, by broadcasting (N x 1) against (1 x M)."""
    zero = np.float32(0)
    area_a = np.maximum(a[:, 2] - a[:, 0], zero) * np.maximum(a[:, 3] - a[:, 1], zero)
    area_b = np.maximum(b[:, 2] - b[:, 0], zero) * np.maximum(b[:, 3] - b[:, 1], zero)
    iw = np.maximum(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), zero)
    ih = np.maximum(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), zero)
    inter = iw * ih
    union = (area_a[:, None] + area_b[None, :]) - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(inter > zero, inter / union, zero).astype(np.float32, copy=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,4003", help="comma-separated N (= M) values")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per size; the best is reported")
    args = parser.parse_args()

    # Hand-checked case first, so a broken formula cannot report a speed: IoU([0,0,2,2], [1,1,3,3]) = 1/7.
    check = iou_matrix(np.array([[0, 0, 2, 2]], np.float32), np.array([[1, 1, 3, 3], [0, 0, 2, 2], [5, 5, 5, 9]], np.float32))
    assert np.allclose(check, [[1 / 7, 1, 0]]), check

    print(f"numpy {np.__version__}")
    for n in (int(s) for s in args.sizes.split(",")):
        a, b = random_boxes(n, 1), random_boxes(n, 2)
        iou_matrix(a, b)  # warm-up
        best = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            iou_matrix(a, b)
            best = min(best, time.perf_counter() - start)
        print(f"N = M = {n}: {best * 1e3:.2f} ms, {n * n / best / 1e9:.4f} G pairs/s")


if __name__ == "__main__":
    main()
