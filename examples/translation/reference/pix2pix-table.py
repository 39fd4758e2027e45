#!/usr/bin/env python3
"""Markdown table of pix2pix-runs.sh's measurements (docs/translation.md, pix2pix, "Measured"): per arm, the mean
and sample standard deviation over seeds of every score in OUT/scores.jsonl (labels "<arm> s<seed>"), the seeds,
and each training's CPU time (user + sys of the whole process, from OUT/<run>.time).
  /usr/bin/python3 examples/translation/reference/pix2pix-table.py [OUT]
"""
import json
import os
import re
import statistics
import sys

out = sys.argv[1] if len(sys.argv) > 1 else 'runs/pix2pix-measured'
rows = {}
for line in open(os.path.join(out, 'scores.jsonl')):
    r = json.loads(line)
    m = re.fullmatch(r'(.*) s(\d+)', r['label'])
    arm, seed = (m.group(1), int(m.group(2))) if m else (r['label'], None)
    rows.setdefault(arm, {})[seed] = r  # a rescored seed replaces the earlier line


def cpu_minutes(arm, seed):
    name = arm.replace('gantry ', '').replace('+', '-') + f'-s{seed}'
    try:
        text = open(os.path.join(out, name + '.time')).read()
    except OSError:
        return None
    return sum(float(re.search(rf'{k} time \(seconds\): ([\d.]+)', text).group(1)) for k in ('User', 'System')) / 60


def cell(values, digits):
    if len(values) == 1:
        return f'{values[0]:.{digits}f}'
    return f'{statistics.mean(values):.{digits}f} +- {statistics.stdev(values):.{digits}f}'


print('| arm | seeds | L1 | PSNR (dB) | SSIM | FD | KID | CPU min per training |')
print('| --- | --- | --- | --- | --- | --- | --- | --- |')
for arm, by_seed in rows.items():
    seeds = sorted(by_seed, key=lambda s: -1 if s is None else s)
    scores = [by_seed[s] for s in seeds]
    cpu = [c for c in (cpu_minutes(arm, s) for s in seeds if s is not None) if c is not None]
    print(f'| {arm} | {", ".join("-" if s is None else str(s) for s in seeds)} | {cell([r["l1"] for r in scores], 4)} | '
          f'{cell([r["psnr"] for r in scores], 2)} | {cell([r["ssim"] for r in scores], 4)} | {cell([r["fd"] for r in scores], 2)} | '
          f'{cell([r["kid"] for r in scores], 3)} | {cell(cpu, 2) if cpu else ""} |')
