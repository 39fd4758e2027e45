// gantry info: what a run is, how far it got and what it last measured.
import { join } from 'node:path';
import { command, parseFlags, UsageError } from '../args.js';
import { readLatestManifest, readMetrics, readRunConfig, sampleFiles } from '../run.js';

const usage = `usage: gantry info <run-dir> [--json]

Prints the run's data, model, training settings, progress, last losses and evaluations.

examples:
  gantry info runs/ring
  gantry info runs/ring --json | jq .step`;

export function runSummary(runDir: string) {
  const config = readRunConfig(runDir);
  const metrics = readMetrics(runDir);
  const steps = metrics.filter((m) => m.event === undefined);
  const last = steps[steps.length - 1];
  const checkpoint = readLatestManifest(runDir);
  const evals = metrics.filter((m) => m.event === 'eval');
  const errors = metrics.filter((m) => m.event === 'error');
  return {
    run: runDir,
    config,
    step: checkpoint?.step ?? 0,
    totalSteps: config.train.steps,
    checkpoint: checkpoint?.checkpoint ?? null,
    lastLosses: last ? Object.fromEntries(Object.entries(last).filter(([k]) => k.includes('/'))) : {},
    stepsPerSecond: (last?.stepsPerSecond as number | undefined) ?? null,
    samples: sampleFiles(runDir).length,
    evaluations: evals,
    lastError: errors.length ? errors[errors.length - 1].message : null,
  };
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' } }, 1);
  if (!positionals[0]) throw new UsageError('expected a run directory');
  const s = runSummary(positionals[0]);
  if (values.json) {
    console.log(JSON.stringify(s, null, 2));
    return;
  }
  const c = s.config;
  const lines = [
    `run         ${s.run}`,
    `data        ${c.data.spec} (${c.data.kind}, item [${c.data.itemShape.join(', ')}]${c.data.numClasses ? `, ${c.data.numClasses} classes` : ''})`,
    `model       ${c.model.preset}${c.model.conditional ? ' (conditional)' : ''}, latent ${c.model.latentDim}`,
    `training    ${c.train.loss}, batch ${c.train.batch}, lr G ${c.train.lrG} D ${c.train.lrD}, seed ${c.train.seed}`,
    `progress    step ${s.step} of ${s.totalSteps}${s.stepsPerSecond ? ` (${s.stepsPerSecond.toFixed(1)} steps/s)` : ''}`,
    `checkpoint  ${s.checkpoint ?? 'none yet'}`,
    `losses      ${Object.entries(s.lastLosses).map(([k, v]) => `${k} ${(v as number).toFixed(4)}`).join('  ') || '-'}`,
    `samples     ${s.samples} grids in ${join(s.run, 'samples')}`,
  ];
  for (const e of s.evaluations) {
    lines.push(`eval        step ${e.step}: ${Object.entries(e).filter(([k]) => !['event', 'step', 'time', 'floor'].includes(k)).map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : v}`).join('  ')}`);
  }
  if (s.lastError) lines.push(`last error  ${s.lastError}`);
  console.log(lines.join('\n'));
}

export const infoCommand = command('info', 'show a run\'s config, progress, losses and evaluations', usage, run);
