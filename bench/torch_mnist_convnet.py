"""The mnist-convnet template (Keras' "Simple MNIST convnet") trained in PyTorch on the CPU, for
bench/train-throughput.ts: same layers, Keras-equivalent initial weights don't matter for speed,
Adam, batch 128, categorical cross-entropy. Prints one JSON line with samples/s (wall and per CPU-second).

  python3 bench/torch_mnist_convnet.py --threads 1 --seconds 20 [--data FILE --samples N] [--serve]

With --serve it stays up after the warm-up and runs one timed window per line "window SECONDS" read
from stdin (one JSON line each), so the TypeScript bench can interleave its own windows with these
and both sides see the same load on a shared machine.

--data is a raw float32 file of N*784 pixels followed by N labels (as float32), written by the
TypeScript bench so both frameworks see the same images; without it the images are random.
"""
import argparse
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--warmup", type=int, default=5, help="batches before the timed window")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--data")
    ap.add_argument("--samples", type=int, default=2048)
    ap.add_argument("--serve", action="store_true", help="run one window per 'window SECONDS' line on stdin")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    n = args.samples
    if args.data:
        raw = np.fromfile(args.data, dtype=np.float32)
        x = torch.from_numpy(raw[: n * 784].reshape(n, 1, 28, 28).copy())
        y = torch.from_numpy(raw[n * 784 : n * 785].astype(np.int64))
    else:
        x = torch.rand(n, 1, 28, 28)
        y = torch.randint(0, 10, (n,))

    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10),
    )
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # softmax + categorical cross-entropy, as the template's Dense(softmax) + loss
    bs = args.batch_size
    batches = n // bs

    def step(i: int) -> float:
        xb = x[(i % batches) * bs : (i % batches + 1) * bs]
        yb = y[(i % batches) * bs : (i % batches + 1) * bs]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()  # a sync point per batch, as the tfjs side reads each batch's loss

    model.train()
    for i in range(args.warmup):
        step(i)

    def window(seconds: float) -> None:
        done = 0
        start = time.perf_counter()
        cpu_start = time.process_time()  # this process's CPU time, all threads: steadier under other load
        while time.perf_counter() - start < seconds:
            step(done)
            done += 1
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        print(json.dumps({
            "framework": f"pytorch {torch.__version__}",
            "threads": torch.get_num_threads(),
            "params": params,
            "batches": done,
            "seconds": elapsed,
            "cpuSeconds": cpu,
            "samplesPerSecond": done * bs / elapsed,
            "samplesPerCpuSecond": done * bs / cpu,
        }), flush=True)

    if not args.serve:
        window(args.seconds)
        return
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if len(cmd) == 2 and cmd[0] == "window":
            window(float(cmd[1]))
        elif cmd == ["quit"]:
            return


if __name__ == "__main__":
    main()
