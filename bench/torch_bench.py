"""PyTorch side of descent's benchmark (run by bench/run.ts with /usr/bin/python3).

Prints one JSON object per line: {"lib": "pytorch", "name": ..., "ms": ..., ...}. Takes the
same workloads as bench/descent.ts: sgemm, the MLP and CNN training steps, one epoch of the
MLP on Fashion-MNIST, the Adam update (plain and foreach), and those of
bench/lib/user-workloads.ts (the MNIST-example CNN, the README-loop epoch, the first-20-steps
figure); with BENCH_ONLY=peak, the machine's peak sgemm and stream bandwidth instead.

Environment: BENCH_TORCH_THREADS (torch.set_num_threads), BENCH_LIB_ID (the lib field),
BENCH_QUICK, BENCH_ONLY, BENCH_NO_FRESH (as in bench/lib/timing.ts). bench/run.ts gives it
glibc's allocator tuning through MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_, or not; tuned,
it also touches the heap once as descent's tuneNativeAllocator does (touch_heap below).
"""
import ctypes
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
LIB = os.environ.get("BENCH_LIB_ID", "pytorch")
THREADS = int(os.environ["BENCH_TORCH_THREADS"]) if os.environ.get("BENCH_TORCH_THREADS") else None
if THREADS:
    torch.set_num_threads(THREADS)
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
DATA_DIR = os.environ.get("DESCENT_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def touch_heap(below):
    """The heap touched once as src/backend/allocator.ts does for descent: a block of whole
    2 MiB pages under the mmap threshold, advised to use huge pages, written and freed into the
    heap, so that the first tensors' pages are not faulted in fresh."""
    huge = 2 * 1024 * 1024
    size = (below - 2 * huge) // huge * huge
    libc = ctypes.CDLL("libc.so.6")
    libc.aligned_alloc.restype = ctypes.c_void_p
    libc.aligned_alloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    libc.free.argtypes = [ctypes.c_void_p]
    block = libc.aligned_alloc(huge, size)
    if block:
        libc.madvise(block, size, 14)  # MADV_HUGEPAGE
        ctypes.memset(block, 0, size)
        libc.free(block)
    return size if block else 0


if "MALLOC_MMAP_THRESHOLD_" in os.environ:
    TOUCHED = touch_heap(int(os.environ["MALLOC_MMAP_THRESHOLD_"]))
else:
    TOUCHED = 0


def wanted(name):
    return not ONLY or any(name.startswith(o) for o in ONLY)


def named(name):
    """Workloads that need a fresh process of their own run only when BENCH_ONLY names them."""
    return os.environ.get("BENCH_NO_FRESH") != "1" and any(name.startswith(o) for o in ONLY)


def emit(name, ms, **extra):
    print(json.dumps({"lib": LIB, "name": name, "ms": ms, **extra}), flush=True)


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
         allocator=(" ".join(f"{k}={os.environ[k]}" for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_") if k in os.environ)
                    + (f", {TOUCHED >> 20} MiB of heap touched" if TOUCHED else "")) or "untuned",
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

    # The reference for bench/optimizer-steps.ts's gradnoise row (its target is 2x fused Adam):
    # on the MLP's 269,322 parameters, Adam (foreach) and what a PyTorch user writes for
    # gradient noise, a normal sample added to each gradient before an SGD step.
    if wanted("mlp-params-adam") or wanted("mlp-params-noise"):
        params = list(mlp().parameters())
        for p in params:
            p.grad = torch.randn_like(p)
        adam = torch.optim.Adam(params, lr=1e-3, foreach=True)
        emit("mlp-params-adam", timeit(adam.step))
        sgd = torch.optim.SGD(params, lr=0.01)

        def noisy_step():
            for p in params:
                p.grad.add_(torch.randn_like(p.grad), alpha=0.1)
            sgd.step()

        emit("mlp-params-noise", timeit(noisy_step))


class MnistNet(nn.Module):
    """The network of PyTorch's examples/mnist/main.py, as written there."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


def load_fashion(split="train"):
    prefix = "train" if split == "train" else "t10k"
    dims, pixels = read_idx(os.path.join(DATA_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    _, labels = read_idx(os.path.join(DATA_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).reshape(dims[0], 1, 28, 28).float().div_(255)
    y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()
    return x, y


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def first_steps(name, fn):
    """Fresh process: mean of calls 1-20 against the mean of calls 100+."""
    total = 150 if QUICK else 300
    times = []
    for _ in range(total):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    first20 = sum(times[:20]) / 20
    # the same statistic on both sides: a mean of 20 calls against a median of the rest would
    # count the occasional slow call (a BLAS thread waking late) in one and not the other
    steady = sum(times[99:]) / len(times[99:])
    emit(name, first20, steadyMs=steady, steadyMedianMs=median(times[99:]), ratio=first20 / steady, first=times[0], calls=total)


def user_workloads():
    """The workloads of bench/lib/user-workloads.ts, written as PyTorch users write them."""
    data = None
    load_ms = 0.0
    if wanted("mnist-cnn-step") or wanted("mnist-cnn-eval") or named("mlp-epoch-loop"):
        t0 = time.perf_counter()
        data = load_fashion()
        load_ms = (time.perf_counter() - t0) * 1000
    if wanted("mnist-cnn-step"):
        x, y = data
        torch.manual_seed(0)
        model = MnistNet()
        opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
        model.train()
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=64, shuffle=True)
        warmup, steps = (3, 10) if QUICK else (8, 40)
        times, loss_sum = [], 0.0
        for xb, yb in loader:
            t = time.perf_counter()
            opt.zero_grad()
            loss = F.nll_loss(model(xb), yb)
            loss.backward()
            opt.step()
            v = loss.item()
            times.append((time.perf_counter() - t) * 1000)
            loss_sum += v
            if len(times) >= warmup + steps:
                break
        timed = times[warmup:]
        emit("mnist-cnn-step", median(timed), minMs=min(timed), reps=len(timed), meanLoss=loss_sum / len(times))
    if wanted("mnist-cnn-eval"):
        x = data[0][:1000]
        torch.manual_seed(0)
        model = MnistNet()
        model.eval()
        reps = 3 if QUICK else 7
        times = []
        for _ in range(reps + 1):
            t = time.perf_counter()
            with torch.no_grad():
                model(x).argmax(1)
            times.append((time.perf_counter() - t) * 1000)
        timed = times[1:]
        emit("mnist-cnn-eval", median(timed), minMs=min(timed), reps=len(timed))
    if named("mlp-epoch-loop"):
        x, y = data
        torch.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), *mlp())
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=128, shuffle=True)
        limit = 60 if QUICK else len(loader)
        t0 = time.perf_counter()
        loss_sum, batches = 0.0, 0
        for xb, yb in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item()
            batches += 1
            if batches >= limit:
                break
        ms = (time.perf_counter() - t0) * 1000
        extra = {"batches": batches, "meanLoss": loss_sum / batches, "loadMs": load_ms}
        if batches < len(loader):
            extra["extrapolatedFrom"] = batches
        emit("mlp-epoch-loop", ms / batches * len(loader), **extra)
    if named("first20-mlp"):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), *mlp())
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x, y = torch.rand(128, 784), torch.randint(0, 10, (128,))
        step = step_fn(model, opt, x, y)
        first_steps("first20-mlp", lambda: step().item())
    if named("first20-matmul512"):
        a, b = torch.randn(512, 512), torch.randn(512, 512)
        first_steps("first20-matmul512", lambda: a @ b)


def limits():
    """The machine's peak sgemm (n = 1024..2048, 1 and 2 threads) and stream bandwidth (copy, triad)."""
    if not named("peak"):
        return
    before = torch.get_num_threads()
    with torch.no_grad():
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for n in (1024, 1536, 2048):
                a, b = torch.randn(n, n), torch.randn(n, n)
                out = torch.empty(n, n)
                ms = timeit(lambda: torch.mm(a, b, out=out), min_time=1.0)
                emit(f"peak-sgemm-{n}-t{threads}", ms, gflops=2 * n ** 3 / ms / 1e6, threads=threads)
            n = 32 * 1024 * 1024  # 128 MiB per array: far beyond the caches
            a, b, c = torch.empty(n), torch.rand(n), torch.rand(n)
            ms = timeit(lambda: a.copy_(b), min_time=1.0)
            emit(f"stream-copy-t{threads}", ms, gbPerS=2 * 4 * n / ms / 1e6, threads=threads)
            ms = timeit(lambda: torch.add(b, c, alpha=3.0, out=a), min_time=1.0)
            emit(f"stream-triad-t{threads}", ms, gbPerS=3 * 4 * n / ms / 1e6, threads=threads)
            del a, b, c
    torch.set_num_threads(before)


if __name__ == "__main__":
    if not named("peak"):
        main()
        user_workloads()
    limits()
