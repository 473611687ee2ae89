#!/usr/bin/env python3
"""PyTorch reference for the `speed` benchmark: the same LSTM autoencoder and training loop as the library.

Run by `dotnet run -c Release --project test/Microsoft.ML.SeqAutoencoder.Benchmarks -- speed`, with Debian's
python3-torch (`apt-get install python3-torch`, run with /usr/bin/python3). Each call measures one thing and
prints one line "##seqae-result <json>".

Model (as Microsoft.ML.SeqAutoencoder builds it for Reconstruction mode, one layer each side, encoding size =
hidden size, so no projection): per-feature standardization, LSTM encoder (batch first), code = last hidden
state, code repeated over the T steps (RepeatVector) into an LSTM decoder, linear layer to F features, target
= the standardized input reversed in time, mean squared error. Adam (lr 1e-3), gradient norm clipped to 1.0,
data reshuffled every epoch of 4 batches, as the library's trainer does.

  train  --steps T F H B --warmup N --timed N      ms per training step
  score  --steps T F H B --batches N.. --seconds S      rows/s of inference (no_grad, eval) for
                                                       encodings and anomaly scores at each batch size
  mm     --size N --repeats N                      float32 matmul GFLOP/s (N x N x N)
"""
import argparse
import json
import os
import resource
import sys
import time

import torch
import torch.nn as nn

RESULT_PREFIX = "##seqae-result "
BATCHES_PER_EPOCH = 4


class LstmAutoencoder(nn.Module):
    def __init__(self, features, hidden):
        super().__init__()
        self.register_buffer("mean", torch.zeros(features))
        self.register_buffer("std", torch.ones(features))
        self.encoder = nn.LSTM(features, hidden, batch_first=True)
        self.decoder = nn.LSTM(hidden, hidden, batch_first=True)
        self.output = nn.Linear(hidden, features)

    def encode(self, x):
        z = (x - self.mean) / self.std
        h, _ = self.encoder(z)
        return z, h[:, -1]

    def reconstruct(self, code, steps):
        repeated = code.unsqueeze(1).expand(code.shape[0], steps, code.shape[1])
        out, _ = self.decoder(repeated)
        return self.output(out)

    def loss(self, x):
        z, code = self.encode(x)
        rebuilt = self.reconstruct(code, x.shape[1])
        return ((rebuilt - z.flip(1)) ** 2).mean()

    def anomaly_scores(self, x):
        """Mean squared reconstruction error per sequence, on standardized values."""
        z, code = self.encode(x)
        rebuilt = self.reconstruct(code, x.shape[1])
        return ((rebuilt - z.flip(1)) ** 2).mean(dim=(1, 2))


def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def describe():
    return {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
        "blas": blas_library(),
        "python": sys.version.split()[0],
    }


def blas_library():
    """The BLAS shared library this process really mapped (Debian's torch links the libblas.so.3 alternative)."""
    try:
        with open("/proc/self/maps") as maps:
            libs = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and line.split()[-1].startswith("/")})
        return [os.path.realpath(lib) for lib in libs]
    except OSError:
        return []


def train(args):
    t, f, h, b = args.steps
    torch.manual_seed(args.seed)
    data = torch.randn(BATCHES_PER_EPOCH * b, t, f)
    model = LstmAutoencoder(f, h)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    times = []
    total = args.warmup + args.timed
    generator = torch.Generator().manual_seed(args.seed)
    start_all = time.perf_counter()
    while len(times) < total:
        order = torch.randperm(data.shape[0], generator=generator)
        for i in range(BATCHES_PER_EPOCH):
            if len(times) == total:
                break
            start = time.perf_counter()
            batch = data[order[i * b:(i + 1) * b]]
            optimizer.zero_grad(set_to_none=True)
            loss = model.loss(batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            loss.item()
            times.append((time.perf_counter() - start) * 1000)
    total_ms = (time.perf_counter() - start_all) * 1000
    return {"StepMilliseconds": times[args.warmup:], "WarmupMilliseconds": times[:args.warmup], "TotalMilliseconds": total_ms,
            "TotalSteps": total, "PeakRssKiB": peak_rss_kib()}


def score(args):
    t, f, h, b = args.steps
    torch.manual_seed(args.seed)
    model = LstmAutoencoder(f, h)
    model.eval()
    pool = torch.randn(1024, t, f)
    results = []
    with torch.no_grad():
        for what in ("encode", "anomaly"):
            run = (lambda x: model.encode(x)[1]) if what == "encode" else model.anomaly_scores
            for batch_size in args.batches:
                run(pool[:batch_size]).numpy()  # warm-up
                rows = 0
                start = time.perf_counter()
                while True:
                    first = (rows // batch_size * batch_size) % (pool.shape[0] - batch_size + 1)
                    # .numpy(): the values reach the caller, as a cursor's would.
                    run(pool[first:first + batch_size]).numpy()
                    rows += batch_size
                    seconds = time.perf_counter() - start
                    if seconds >= args.seconds and rows >= 4 * batch_size:
                        break
                results.append({"What": what, "Path": "PyTorch", "Column": "model." + ("encode" if what == "encode" else "anomaly_scores"),
                                "Batch": batch_size, "Rows": rows, "Seconds": seconds})
    return {"Scoring": results, "PeakRssKiB": peak_rss_kib()}


def mm(args):
    n = args.size
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    out = torch.empty(n, n)
    for _ in range(3):
        torch.mm(a, b, out=out)
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        torch.mm(a, b, out=out)
        best = min(best, time.perf_counter() - start)
    return {"MatrixSize": n, "Gflops": 2.0 * n ** 3 / best / 1e9}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["train", "score", "mm", "info"])
    parser.add_argument("--steps", type=int, nargs=4, metavar=("T", "F", "H", "B"), default=[64, 1, 64, 64])
    parser.add_argument("--warmup", type=int, default=4)
    parser.add_argument("--timed", type=int, default=12)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 64, 256])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    default_threads = torch.get_num_threads()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    result = {}
    if args.command == "train":
        result.update(train(args))
    elif args.command == "score":
        result.update(score(args))
    elif args.command == "mm":
        result.update(mm(args))
    info = describe()
    result["Threads"] = info["threads"]
    result["Software"] = (f"PyTorch {info['torch']} (Debian python3-torch, Python {info['python']}), {info['threads']} intra-op "
                          f"thread(s) (default {default_threads}), mkldnn {'on' if info['mkldnn'] else 'off'}, BLAS "
                          + (", ".join(info["blas"]) or "?"))
    result["CpuSeconds"] = time.process_time()
    print(RESULT_PREFIX + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
