"""PyTorch peers of bench/kernel_cases.ts: reads the case list (JSON) on stdin, times the closest
eager PyTorch call of each case on tensors of the same shapes with one thread, and prints a JSON
list of CPU microseconds per call (null where a case has no peer).

    node --conditions=gantry-source --import tsx bench/kernels.ts          # runs this itself
    echo '[{"op": "add", "inputs": [{"shape": [256, 128]}, {"shape": [128]}]}]' | /usr/bin/python3 bench/kernels_peer.py
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

# Timed blocks per case, median reported (as bench/kernels.ts does).
BLOCKS = 5

# One callable per op key of kernel_cases.ts' TF_CALLS. Where tfjs' kernel has no single PyTorch
# counterpart the closest cheap formulation is used (step: the float mask relu's backward needs).
PEERS = {
    "add": lambda a, b: torch.add(a, b),
    "sub": lambda a, b: torch.sub(a, b),
    "mul": lambda a, b: torch.mul(a, b),
    "div": lambda a, b: torch.div(a, b),
    "neg": lambda x: torch.neg(x),
    "square": lambda x: torch.square(x),
    "log": lambda x: torch.log(x),
    "greaterZero": lambda x: torch.gt(x, 0),
    "lessZero": lambda x: torch.lt(x, 0),
    "castBoolToFloat": lambda x: x.to(torch.float32),
    "relu": lambda x: torch.relu(x),
    "leakyRelu": lambda x: F.leaky_relu(x, 0.2),
    "step": lambda x: (x > 0).to(x.dtype),
    "select": lambda c, a, b: torch.where(c, a, b),
    "sigmoid": lambda x: torch.sigmoid(x),
    "softplus": lambda x: F.softplus(x),
    "sumRows": lambda x: torch.sum(x, 0),
    "mean": lambda x: torch.mean(x),
    "concatCols": lambda a, b: torch.cat([a, b], 1),
    "splitCols": lambda x: torch.split(x, x.shape[1] // 2, 1),
    "gatherRows": lambda x, i: torch.index_select(x, 0, i),
    "reshapeAddBatch": lambda x: x.reshape(1, *x.shape),
    "identity": lambda x: x.view_as(x),
    "matMul": lambda a, b: torch.mm(a, b),
    "matMulTA": lambda a, b: torch.mm(a.t(), b),
    "matMulTB": lambda a, b: torch.mm(a, b.t()),
    "linearRelu": lambda a, b, bias: torch.relu(torch.addmm(bias, a, b)),
    "linear": lambda a, b, bias: torch.addmm(bias, a, b),
}


def make_input(spec):
    shape = spec["shape"]
    fill = spec.get("fill", "normal")
    if fill == "bool":
        return torch.randn(shape) > 0
    if fill == "positive":
        return torch.rand(shape) * 0.99 + 0.01
    if fill == "index":
        return torch.randint(0, int(spec.get("range", 1)), shape)
    return torch.randn(shape)


def adam_call(inputs):
    """One torch.optim.Adam step over parameters shaped like the inputs (their gradients)."""
    params = [torch.zeros_like(x, requires_grad=True) for x in inputs]
    for p, g in zip(params, inputs):
        p.grad = g.clone()
    optimizer = torch.optim.Adam(params, lr=2e-4, betas=(0.5, 0.999))
    return optimizer.step


def time_case(case, calls, warmup):
    inputs = [make_input(s) for s in case["inputs"]]
    if case["op"] == "adam":
        fn = adam_call(inputs)
        run = fn
    elif case["op"] in PEERS:
        peer = PEERS[case["op"]]
        def run():
            return peer(*inputs)
    else:
        return None
    with torch.no_grad():
        for _ in range(warmup):
            run()
        per_block = max(1, round(calls / BLOCKS))
        blocks = []
        for _ in range(BLOCKS):
            start = time.process_time()
            for _ in range(per_block):
                run()
            blocks.append((time.process_time() - start) * 1e6 / per_block)
        return statistics.median(blocks)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--list", action="store_true", help="print the op keys this peer knows (JSON) and exit")
    args = parser.parse_args()
    if args.list:
        json.dump(sorted([*PEERS, "adam"]), sys.stdout)
        print()
        return
    torch.set_num_threads(1)
    torch.manual_seed(0)
    cases = json.load(sys.stdin)
    json.dump([time_case(c, args.calls, args.warmup) for c in cases], sys.stdout)
    print()


if __name__ == "__main__":
    main()
