// Runs tfjs-core's own jasmine suite (node_modules/@tensorflow/tfjs-core/dist/tests.js, ~4200 specs)
// against one backend, the way tfjs-backend-cpu and tfjs-node run it: one test env via
// jasmine_util.setTestEnvs, specs filtered to that env, excluded specs listed in excluded.json.
//
//   node --conditions=gantry-source --import tsx packages/tfjs-backend-torch/test/conformance/run.ts [torch|cpu]
//        [--json <file>] [--grep <substring>] [--skip-file <names.txt>] [--quiet]
//
// Prints jasmine's summary and writes a JSON summary (counts, failed specs with their errors,
// fallback counts for torch, duration) to --json (default runs/conformance/<backend>.json).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..', '..');
const require = createRequire(import.meta.url);

// The few parts of the jasmine npm package used here (it ships no type declarations).
interface JasmineSpec { getFullName(): string }
interface JasmineEnv { configure(config: { specFilter: (spec: JasmineSpec) => boolean }): void }
interface JasmineReporter {
  specStarted?(result: { fullName: string }): void;
  specDone?(result: SpecResult): void;
}
interface JasmineRunner {
  env: JasmineEnv;
  exitOnCompletion: boolean;
  loadConfig(config: { random: boolean; stopSpecOnExpectationFailure: boolean }): void;
  addReporter(reporter: JasmineReporter): void;
  configureDefaultReporter(options: { print: (text: string) => void; showColors: boolean }): void;
  execute(): Promise<{ overallStatus: string }>;
}
type JasmineCtor = new (options: { projectBaseDir: string }) => JasmineRunner;

interface Exclusion { spec: string; reason: string; backends?: string[] }

export interface ConformanceSummary {
  backend: string;
  date: string;
  durationSeconds: number;
  specs: number;
  executed: number;
  passed: number;
  failed: number;
  pending: number;
  excluded: number;
  overallStatus: string;
  failures: { name: string; errors: string[] }[];
  fallbackCounts?: Record<string, number>;
}

interface SpecResult {
  fullName: string;
  status: string;
  failedExpectations: { message: string; stack?: string }[];
}

interface RunArgs { backend: string; json: string; grep?: string; skipFile?: string; quiet: boolean }

function parseArgs(argv: string[]): RunArgs {
  const positional: string[] = [];
  let json: string | undefined;
  let grep: string | undefined;
  let skipFile: string | undefined;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = argv[++i];
    else if (arg === '--grep') grep = argv[++i];
    else if (arg === '--skip-file') skipFile = argv[++i];
    else if (arg === '--quiet') quiet = true;
    else if (arg.startsWith('--')) throw new Error(`conformance: unknown flag ${arg}`);
    else positional.push(arg);
  }
  // `npm run test:conformance` runs torch; `npm run test:conformance -- cpu` gives the baseline.
  const backend = positional[0] ?? 'torch';
  if (backend !== 'cpu' && backend !== 'torch') {
    throw new Error(`conformance: the backend argument must be 'cpu' or 'torch' (got ${backend})`);
  }
  return { backend, json: json ?? join(repoRoot, 'runs', 'conformance', `${backend}.json`), grep, skipFile, quiet };
}

export function loadExclusions(backend: string): Exclusion[] {
  const list = JSON.parse(readFileSync(join(here, 'excluded.json'), 'utf8')) as Exclusion[];
  for (const [i, e] of list.entries()) {
    if (typeof e.spec !== 'string' || typeof e.reason !== 'string' || e.reason.trim() === '') {
      throw new Error(`excluded.json entry ${i}: needs a "spec" (substring of the full spec name) and a non-empty "reason"`);
    }
  }
  return list.filter((e) => e.backends == null || e.backends.includes(backend));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();

  // The backend packages import tfjs-core's node bundle; the specs import dist/*.js modules. Both
  // share the engine and kernel registry through globals, so registering here is seen by the specs.
  if (args.backend === 'torch') await import('@gantry/tfjs-backend-torch');
  else await import('@tensorflow/tfjs-backend-cpu');

  const Jasmine = require('jasmine') as JasmineCtor;
  const runner = new Jasmine({ projectBaseDir: repoRoot });
  runner.exitOnCompletion = false;
  runner.loadConfig({ random: false, stopSpecOnExpectationFailure: false });

  // Same module instance as the one tests.js loads (CommonJS through tsx), so setTestEnvs applies.
  const jasmineUtil = require('@tensorflow/tfjs-core/dist/jasmine_util.js') as {
    setTestEnvs(envs: { name: string; backendName: string; flags?: Record<string, unknown>; isDataSync?: boolean }[]): void;
  };
  jasmineUtil.setTestEnvs([{ name: args.backend, backendName: args.backend, flags: {}, isDataSync: true }]);

  const exclusions = loadExclusions(args.backend);
  // --skip-file: full spec names (one a line) to skip in this run only, e.g. specs that crash the
  // process, so that a survey can go past them. Not a way to hide failures: CI never passes it.
  const skipped = new Set(args.skipFile == null ? [] : readFileSync(args.skipFile, 'utf8').split('\n').filter((l) => l !== ''));
  let excludedCount = 0;
  runner.env.configure({
    specFilter: (spec: JasmineSpec) => {
      const name = spec.getFullName();
      if (args.grep != null && !name.includes(args.grep)) return false;
      if (skipped.has(name)) return false;
      if (exclusions.some((e) => name.includes(e.spec))) {
        excludedCount++;
        return false;
      }
      return true;
    },
  });

  const results: SpecResult[] = [];
  // A native crash kills the process without a summary; the last started spec names the culprit.
  const progressFile = `${args.json}.current-spec`;
  mkdirSync(dirname(args.json), { recursive: true });
  runner.addReporter({
    specStarted: (result: { fullName: string }) => writeFileSync(progressFile, result.fullName + '\n'),
    specDone: (result: SpecResult) => {
      results.push({
        fullName: result.fullName,
        status: result.status,
        failedExpectations: result.failedExpectations.map((f) => ({ message: f.message, stack: f.stack })),
      });
    },
  });
  if (args.quiet) {
    // Keep jasmine's summary but drop the dot per spec.
    runner.configureDefaultReporter({ print: quietPrinter(), showColors: false });
  }

  // tfjs-core's package entry registers no gradients; the gradient specs need them all.
  require('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  require('@tensorflow/tfjs-core/dist/tests.js');
  const overall = await runner.execute();

  const failed = results.filter((r) => r.status === 'failed');
  const summary: ConformanceSummary = {
    backend: args.backend,
    date: new Date().toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    specs: results.length,
    executed: results.filter((r) => r.status === 'passed' || r.status === 'failed').length,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: failed.length,
    pending: results.filter((r) => r.status === 'pending').length,
    excluded: excludedCount,
    overallStatus: overall.overallStatus,
    failures: failed.map((r) => ({ name: r.fullName, errors: r.failedExpectations.map((f) => describeFailure(f)) })),
  };
  if (args.backend === 'torch') {
    const torch = (await import('@gantry/tfjs-backend-torch')) as { fallbackCounts(): Record<string, number> };
    summary.fallbackCounts = torch.fallbackCounts();
  }
  rmSync(progressFile, { force: true });
  writeFileSync(args.json, JSON.stringify(summary, null, 2) + '\n');
  console.log(`conformance ${args.backend}: ${summary.passed} passed, ${summary.failed} failed, ` +
    `${summary.pending} pending, ${summary.excluded} excluded in ${summary.durationSeconds.toFixed(1)} s -> ${args.json}`);
  // Some specs leave timers behind; exit explicitly with jasmine's verdict.
  process.exit(summary.failed === 0 && overall.overallStatus !== 'failed' ? 0 : 1);
}

// The message plus the first stack frames outside jasmine, enough to see which kernel threw.
function describeFailure(f: { message: string; stack?: string }): string {
  const frames = (f.stack ?? '').split('\n').filter((l) => l.trim().startsWith('at ') && !l.includes('<Jasmine>'));
  return [f.message, ...frames.slice(0, 5)].join('\n');
}

function quietPrinter(): (text: string) => void {
  return (text: string) => {
    if (/^[.*F]+$/.test(text)) return;
    process.stdout.write(text);
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
