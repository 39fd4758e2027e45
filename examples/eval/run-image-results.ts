// Runs all four image results (DCGAN non-saturating and WGAN-GP, on MNIST and Fashion-MNIST), each trained
// by gantry and by its PyTorch twin, then evaluates each pair as soon as both of its trainings are done;
// at most --parallel (default 2) processes at a time, one ATen thread each. Logs: <out>/<data>-<loss>/*.log.
//
//   nice -n 5 node --conditions=gantry-source --import tsx examples/eval/run-image-results.ts --ns-steps 300 --wgan-steps 50 --img-dir docs/img
//
// Each piece is one examples/eval/image-results.ts command (printed before it starts), so any result can be
// rerun alone; --only mnist-wgan-gp,fashion-mnist-nonsaturating picks configurations.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const repoRoot = new URL('../..', import.meta.url).pathname;
const { values: a } = parseArgs({
  options: {
    'ns-steps': { type: 'string', default: '300' },
    'wgan-steps': { type: 'string', default: '50' },
    checkpoints: { type: 'string', default: '6' },
    samples: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1' },
    parallel: { type: 'string', default: '2' },
    out: { type: 'string', default: 'runs/image-results' },
    'img-dir': { type: 'string' },
    only: { type: 'string' },
  },
});

interface Task { name: string; args: string[]; log: string; after: Task[]; state: 'waiting' | 'running' | 'done' | 'failed' }

const out = resolve(repoRoot, a.out!);
const configs = (['nonsaturating', 'wgan-gp'] as const).flatMap((loss) => (['mnist', 'fashion-mnist'] as const).map((data) => ({ data, loss })))
  .filter((c) => !a.only || a.only.split(',').includes(`${c.data}-${c.loss}`));
if (configs.length === 0) throw new Error(`--only ${a.only} matches none of mnist|fashion-mnist - nonsaturating|wgan-gp`);

const tasks: Task[] = [];
for (const { data, loss } of configs) {
  const dir = join(out, `${data}-${loss}`);
  mkdirSync(dir, { recursive: true });
  const common = ['--data', data, '--loss', loss, '--steps', loss === 'wgan-gp' ? a['wgan-steps']! : a['ns-steps']!,
    '--checkpoints', a.checkpoints!, '--samples', a.samples!, '--seed', a.seed!, '--threads', a.threads!, '--out', out];
  const task = (stage: string, after: Task[] = []): Task => {
    const t: Task = { name: `${data}-${loss} ${stage}`, args: [...common, '--stage', stage, ...(stage === 'evaluate' && a['img-dir'] ? ['--img-dir', a['img-dir']] : [])],
      log: join(dir, `${stage}.log`), after, state: 'waiting' };
    tasks.push(t);
    return t;
  };
  task('evaluate', [task('train-gantry'), task('train-torch')]);
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

function run(t: Task): Promise<void> {
  t.state = 'running';
  const args = ['--conditions=gantry-source', '--import', 'tsx', join(repoRoot, 'examples/eval/image-results.ts'), ...t.args];
  console.log(`[${elapsed()}] start ${t.name}: node ${args.slice(3).join(' ')} > ${t.log}`);
  return new Promise((done) => {
    const log = createWriteStream(t.log);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('exit', (code) => {
      t.state = code === 0 ? 'done' : 'failed';
      console.log(`[${elapsed()}] ${t.state} ${t.name}${code === 0 ? '' : ` (exit ${code}; see ${t.log})`}`);
      log.end();
      done();
    });
  });
}

// A fixed pool: each free slot takes the first task whose prerequisites are done (evaluations come first
// in the list of ready tasks, so results appear as soon as a pair is trained).
async function worker(): Promise<void> {
  for (;;) {
    const ready = tasks.filter((t) => t.state === 'waiting' && t.after.every((p) => p.state === 'done'));
    const next = ready.find((t) => t.name.endsWith('evaluate')) ?? ready[0];
    if (!next) {
      if (tasks.some((t) => t.state === 'running')) { await new Promise((r) => setTimeout(r, 2000)); continue; }
      return;
    }
    await run(next);
  }
}

await Promise.all(Array.from({ length: Math.max(1, Number(a.parallel)) }, worker));
const failed = tasks.filter((t) => t.state !== 'done');
console.log(`[${elapsed()}] finished; ${failed.length ? `not done: ${failed.map((t) => `${t.name} (${t.state})`).join(', ')}` : 'all tasks done'}`);
process.exitCode = failed.length ? 1 : 0;
