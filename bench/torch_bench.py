"""PyTorch side of descent's benchmark (run by bench/run.ts with /usr/bin/python3).

Prints one JSON object per line: {"lib": "pytorch", "name": ..., "ms": ..., ...}. Takes the
same workloads as bench/workloads.ts: sgemm, the MLP and CNN training steps, one epoch of the
MLP on Fashion-MNIST, and the Adam update (plain and foreach).
"""
import gzip
import json
import os
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

QUICK = os.environ.get("BENCH_QUICK") == "1"
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
DATA_DIR = os.environ.get("DESCENT_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def wanted(name):
    return not ONLY or any(name.startswith(o) for o in ONLY)


def emit(name, ms, **extra):
    print(json.dumps({"lib": "pytorch", "name": name, "ms": ms, **extra}), flush=True)


def timeit(fn, min_time=1.0, min_reps=3, warmup=3):
    for _ in range(warmup):
        fn()
    if QUICK:
        min_time, min_reps = 0.2, 2
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < min_time:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if len(times) >= 2000:
            break
    times.sort()
    return times[len(times) // 2] * 1000  # median, ms


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 10),
    )


def step_fn(model, opt, x, y):
    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return dims, data[4 + 4 * ndim:]


def main():
    torch.manual_seed(0)
    emit("info", 0, version=torch.__version__, threads=torch.get_num_threads(),
         blas=torch.__config__.show().split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in torch.__config__.show() else "?")
    with torch.no_grad():
        for n in (128, 512, 1024):
            if not wanted(f"sgemm-{n}"):
                continue
            a, b = torch.randn(n, n), torch.randn(n, n)
            out = torch.empty(n, n)
            ms = timeit(lambda: torch.mm(a, b, out=out), min_time=1.0)
            emit(f"sgemm-{n}", ms, gflops=2 * n ** 3 / ms / 1e6)

    if wanted("mlp-step"):
        model = mlp()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x, y = torch.rand(128, 784), torch.randint(0, 10, (128,))
        emit("mlp-step", timeit(step_fn(model, opt, x, y), min_time=2.0))

    if wanted("cnn-step"):
        model = cnn()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x, y = torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))
        emit("cnn-step", timeit(step_fn(model, opt, x, y), min_time=2.0))

    if wanted("mlp-epoch"):
        t0 = time.perf_counter()
        dims, pixels = read_idx(os.path.join(DATA_DIR, "train-images-idx3-ubyte.gz"))
        _, labels = read_idx(os.path.join(DATA_DIR, "train-labels-idx1-ubyte.gz"))
        x = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).reshape(dims[0], 784).float().div_(255)
        y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()
        load_ms = (time.perf_counter() - t0) * 1000
        model = mlp()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        gen = torch.Generator().manual_seed(0)
        total = (x.shape[0] + 127) // 128
        limit = 40 if QUICK else total
        loss_sum, batches = 0.0, 0
        t0 = time.perf_counter()
        perm = torch.randperm(x.shape[0], generator=gen)
        for i in range(0, x.shape[0], 128):
            idx = perm[i:i + 128]
            loss_sum += step_fn(model, opt, x[idx], y[idx])().item()
            batches += 1
            if batches >= limit:
                break
        epoch_ms = (time.perf_counter() - t0) * 1000 / batches * total
        extra = {"loadMs": load_ms, "batches": batches, "meanLoss": loss_sum / batches}
        if batches < total:
            extra["extrapolatedFrom"] = batches
        else:
            with torch.no_grad():
                extra["trainAccuracy"] = (model(x).argmax(1) == y).float().mean().item()
        emit("mlp-epoch", epoch_ms, **extra)

    for n in (1_000_000, 10_000_000):
        for foreach in (False, True):
            name = f"adam-{n // 1_000_000}M" + ("-foreach" if foreach else "")
            if not wanted(name):
                continue
            p = nn.Parameter(torch.rand(n))
            p.grad = torch.randn(n)
            opt = torch.optim.Adam([p], lr=1e-3, foreach=foreach)
            emit(name, timeit(opt.step, min_time=1.0 if n < 5e6 else 2.0))


if __name__ == "__main__":
    main()
