#!/usr/bin/env python3
"""Training speed of gantry's pix2pix (or CycleGAN, --model cyclegan) against the authors' code (docs/translation.md,
pix2pix "Measured" and CycleGAN "measured"), in CPU seconds per training step, one thread each, alternated (gantry,
reference, gantry, ...) so that both see the same machine and load. Only the steps between FROM and TO count:
start-up, data loading, checkpoints and test passes are left out.
pix2pix (16 px, ngf = ndf = 64): gantry: its process's user + sys time (/proc/PID/stat) read when its metrics.jsonl
first shows step FROM and step TO (it logs every 10 steps; polled every 0.1 s); the reference: the process CPU time
pix2pix-reference.py prints every 100 steps (time.process_time, user + sys of the process as well).
CycleGAN (16 px, ngf = ndf = 32, cyclegan-gantry.ts / cyclegan-reference.py, training only): gantry's CPU time of
steps FROM to TO as cyclegan-gantry.ts --time-from prints it (process.cpuUsage), the reference's from the process
CPU time cyclegan-reference.py prints every TO / 10 steps (FROM must be a multiple of TO / 10).
  /usr/bin/python3 examples/translation/reference/pix2pix-speed.py --rounds 2 --steps 400 --out runs/pix2pix-speed
  /usr/bin/python3 examples/translation/reference/pix2pix-speed.py --model cyclegan --from 50 --steps 250 --out runs/cyclegan-speed
"""
import argparse
import json
import os
import re
import subprocess
import time

parser = argparse.ArgumentParser()
parser.add_argument('--rounds', type=int, default=2)
parser.add_argument('--model', choices=['pix2pix', 'cyclegan'], default='pix2pix')
parser.add_argument('--steps', type=int, default=400, help='TO')
parser.add_argument('--from', dest='start', type=int, default=100, help='FROM')
parser.add_argument('--out', default='runs/pix2pix-speed')
parser.add_argument('--code', default='runs/reference-code/pytorch-CycleGAN-and-pix2pix-2a7afba')
args = parser.parse_args()
FROM, TO = args.start, args.steps
here = os.path.dirname(os.path.abspath(__file__))
env = dict(os.environ, GANTRY_TORCH_THREADS='1', OMP_NUM_THREADS='1')
ticks = os.sysconf('SC_CLK_TCK')
os.makedirs(args.out, exist_ok=True)


def load():
    return open('/proc/loadavg').read().split()[0]


def process_cpu(pid):
    fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def last_step(metrics):
    try:
        lines = open(metrics).read().strip().split('\n')
    except OSError:
        return 0
    steps = [json.loads(line).get('step', 0) for line in lines if line.startswith('{"step"')]
    return max(steps, default=0)


def gantry(run):
    out = os.path.join(args.out, run)
    cmd = ['nice', '-n', '10', 'node', 'packages/cli/bin/gantry.mjs', 'train', '--model', 'pix2pix', '--data', 'emoji:google:16',
           '--target', 'emoji:twitter:16', '--steps', str(TO), '--seed', '0', '--checkpoint-every', str(TO), '--sample-every', '0',
           '--progress', 'off', '--out', out]
    with open(out + '.log', 'w') as log:
        p = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
        marks = {}
        while p.poll() is None and TO not in marks:
            step = last_step(os.path.join(out, 'metrics.jsonl'))
            for mark in (FROM, TO):
                if step >= mark and mark not in marks:
                    marks[mark] = process_cpu(p.pid)
            time.sleep(0.1)
        p.wait()
    return (marks[TO] - marks[FROM]) / (TO - FROM)


def reference(run):
    out = os.path.join(args.out, run)
    cmd = ['nice', '-n', '10', '/usr/bin/python3', os.path.join(here, 'pix2pix-reference.py'), '--code', args.code,
           '--steps', str(TO), '--seed', '0', '--no-test', '--out', out]
    text = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    open(out + '.log', 'w').write(text)
    cpu = {int(m[0]): float(m[1]) for m in re.findall(r'^step (\d+):.*\(([\d.]+) s cpu', text, re.M)}
    return (cpu[TO] - cpu[FROM]) / (TO - FROM)


def cyclegan_gantry(run):
    out = os.path.join(args.out, run)
    cmd = ['nice', '-n', '10', 'node', '--conditions=gantry-source', '--import', 'tsx', os.path.join(here, 'cyclegan-gantry.ts'),
           '--seed', '0', '--steps', str(TO), '--filters', '32', '--time-from', str(FROM), '--no-test', '--out', out]
    text = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    open(out + '.log', 'w').write(text)
    return float(re.search(rf'^steps {FROM}-{TO}: ([\d.]+) ms CPU per step', text, re.M)[1]) / 1000


def cyclegan_reference(run):
    out = os.path.join(args.out, run)
    cmd = ['nice', '-n', '10', '/usr/bin/python3', os.path.join(here, 'cyclegan-reference.py'), '--seed', '0', '--steps', str(TO),
           '--filters', '32', '--no-test', '--out', out]
    text = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    open(out + '.log', 'w').write(text)
    cpu = {int(m[0]): float(m[1]) for m in re.findall(r'^step (\d+)/\d+ .*\(([\d.]+) s cpu\)', text, re.M)}
    return (cpu[TO] - cpu[FROM]) / (TO - FROM)


sides = (('gantry', gantry), ('reference', reference)) if args.model == 'pix2pix' else (('gantry', cyclegan_gantry), ('reference', cyclegan_reference))
for r in range(args.rounds):
    for name, measure in sides:
        before = load()
        seconds = measure(f'{name}-{r}')
        print(f'{args.model} round {r} {name}: {seconds * 1000:.1f} ms cpu per step ({1 / seconds:.2f} steps per cpu s), '
              f'steps {FROM}-{TO}, load {before} -> {load()}', flush=True)
