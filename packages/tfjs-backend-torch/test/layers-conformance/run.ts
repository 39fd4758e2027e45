// Runs tfjs-layers' own jasmine specs (vendored in specs.tar.gz, see vendor.ts) against one backend,
// as test/conformance/run.ts runs tfjs-core's: one test env via jasmine_util.setTestEnvs, excluded
// specs listed with their reasons in excluded.json, a JSON summary.
//
//   node --conditions=gantry-source --import tsx packages/tfjs-backend-torch/test/layers-conformance/run.ts [torch|cpu]
//        [--files ci|all|<substring,...>] [--json <file>] [--grep <substring>] [--fixes] [--strict-leak-check] [--upstream-predicates] [--quiet]
//
// --upstream-predicates gates the suites as upstream's test_utils does (describeMathCPU: cpu only), to
// count what test_utils.ts adds on torch; --strict-leak-check drops excluded.json's leak-check allowances.
//
// torch runs with @gantry/tfjs-backend-torch imported (its tfjs fixes included); cpu runs plain
// tfjs-backend-cpu, upstream's own setup, unless --fixes installs gantry's tfjs fixes there too.
// The archive is unpacked under runs/layers-conformance/ (ignored by git, eslint and tsc) and
// removed afterwards; node_modules is found from there as from any file of the repository.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { engine, type TensorInfo } from '@tensorflow/tfjs-core';

import { CI_FILES, loadExclusions, type LayersSummary, type LeakCheckAllowance } from './spec-files.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..', '..');
const require = createRequire(import.meta.url);

// The parts of the jasmine npm package used here (it ships no type declarations).
interface JasmineSpec { getFullName(): string }
interface SpecResult {
  fullName: string;
  status: string;
  filename?: string;
  duration?: number | null;
  failedExpectations: { message: string; stack?: string }[];
}
interface JasmineRunner {
  env: { configure(config: { specFilter: (spec: JasmineSpec) => boolean }): void };
  jasmine: { DEFAULT_TIMEOUT_INTERVAL: number };
  exitOnCompletion: boolean;
  loadConfig(config: { random: boolean; stopSpecOnExpectationFailure: boolean }): void;
  addReporter(reporter: { specStarted?(r: { fullName: string }): void; specDone?(r: SpecResult): void }): void;
  configureDefaultReporter(options: { print: (text: string) => void; showColors: boolean }): void;
  execute(): Promise<{ overallStatus: string }>;
}
type JasmineCtor = new (options: { projectBaseDir: string }) => JasmineRunner;

interface RunArgs {
  backend: string; files: string; json: string; grep?: string; fixes: boolean; strictLeakCheck: boolean; upstreamPredicates: boolean; quiet: boolean;
}

function parseArgs(argv: string[]): RunArgs {
  const positional: string[] = [];
  let files = 'ci';
  let json: string | undefined;
  let grep: string | undefined;
  let fixes = false;
  let strictLeakCheck = false;
  let upstreamPredicates = false;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--files') files = argv[++i];
    else if (arg === '--json') json = argv[++i];
    else if (arg === '--grep') grep = argv[++i];
    else if (arg === '--fixes') fixes = true;
    else if (arg === '--strict-leak-check') strictLeakCheck = true;
    else if (arg === '--upstream-predicates') upstreamPredicates = true;
    else if (arg === '--quiet') quiet = true;
    else if (arg.startsWith('--')) throw new Error(`layers-conformance: unknown flag ${arg}`);
    else positional.push(arg);
  }
  const backend = positional[0] ?? 'torch';
  if (backend !== 'cpu' && backend !== 'torch') throw new Error(`layers-conformance: backend must be 'cpu' or 'torch' (got ${backend})`);
  return { backend, files, json: json ?? join(repoRoot, 'runs', 'layers-conformance', `${backend}.json`), grep, fixes, strictLeakCheck, upstreamPredicates, quiet };
}

/** Unpacks the archive with our test_utils.ts at utils/test_utils.ts; returns the spec files chosen. */
function unpack(dir: string, which: string, upstreamPredicates: boolean): string[] {
  execFileSync('tar', ['-xzf', join(here, 'specs.tar.gz'), '-C', dir]);
  mkdirSync(join(dir, 'utils'), { recursive: true });
  const testUtils = readFileSync(join(here, 'test_utils.ts'), 'utf8');
  const cpuLike = "export const CPU_LIKE_BACKENDS = ['cpu', 'torch'];";
  if (!testUtils.includes(cpuLike)) throw new Error(`layers-conformance: test_utils.ts no longer says ${cpuLike}`);
  writeFileSync(join(dir, 'utils', 'test_utils.ts'), upstreamPredicates ? testUtils.replace(cpuLike, "export const CPU_LIKE_BACKENDS = ['cpu'];") : testUtils);
  const archived = (JSON.parse(readFileSync(join(here, 'sources.json'), 'utf8')) as { files: { file: string }[] }).files.map((f) => f.file);
  if (which === 'all') return archived;
  const wanted = which === 'ci' ? CI_FILES : which.split(',');
  const chosen = archived.filter((f) => wanted.some((w) => (which === 'ci' ? f === w : f.includes(w))));
  if (which === 'ci' && chosen.length !== CI_FILES.length) throw new Error('layers-conformance: CI_FILES names a file that is not archived');
  return chosen;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  if (args.backend === 'torch') await import('@gantry/tfjs-backend-torch');
  else {
    await import('@tensorflow/tfjs-backend-cpu');
    if (args.fixes) (await import('../../src/tfjs-fixes/index.js')).installTfjsFixes();
  }

  const Jasmine = require('jasmine') as JasmineCtor;
  const runner = new Jasmine({ projectBaseDir: repoRoot });
  runner.exitOnCompletion = false;
  // Upstream runs them in random order with a fixed seed in browsers; in order is reproducible here.
  runner.loadConfig({ random: false, stopSpecOnExpectationFailure: false });
  // fit() specs are async; jasmine's default 5 s is short on this shared 2-core machine.
  runner.jasmine.DEFAULT_TIMEOUT_INTERVAL = 60_000;

  // The env has no flags, as upstream's cpu env: describeMathCPUAndWebGL2 accepts an env without
  // flags, and our test_utils' describeMathCPU accepts torch (test_utils.ts).
  const jasmineUtil = require('@tensorflow/tfjs-core/dist/jasmine_util.js') as {
    setTestEnvs(envs: { name: string; backendName: string; isDataSync?: boolean }[]): void;
  };
  jasmineUtil.setTestEnvs([{ name: args.backend, backendName: args.backend, isDataSync: true }]);

  const { specs: exclusions, leakCheckAllowances } = loadExclusions(args.backend);
  let currentSpec = '';
  const allowancesUsed = args.strictLeakCheck ? {} : allowLeakCheck(leakCheckAllowances, () => currentSpec);
  const excludedSpecs = new Set<string>();
  runner.env.configure({
    specFilter: (spec: JasmineSpec) => {
      const name = spec.getFullName();
      if (args.grep != null && !name.includes(args.grep)) return false;
      if (exclusions.some((e) => name.includes(e.spec))) {
        excludedSpecs.add(name);
        return false;
      }
      return true;
    },
  });

  const results: SpecResult[] = [];
  mkdirSync(dirname(args.json), { recursive: true });
  const progressFile = `${args.json}.current-spec`;
  runner.addReporter({
    // A native crash kills the process without a summary; the last started spec names the culprit.
    specStarted: (r) => {
      currentSpec = r.fullName;
      writeFileSync(progressFile, r.fullName + '\n');
    },
    specDone: (r) => {
      results.push({ fullName: r.fullName, status: r.status, filename: r.filename, duration: r.duration,
        failedExpectations: r.failedExpectations.map((f) => ({ message: f.message, stack: f.stack })) });
    },
  });
  if (args.quiet) runner.configureDefaultReporter({ print: quietPrinter(), showColors: false, });

  // Upstream's setup_tests.ts: tfjs-layers' flags (its index), chained ops and all gradients.
  require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js');
  require('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  mkdirSync(join(repoRoot, 'runs', 'layers-conformance'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, 'runs', 'layers-conformance', 'specs-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const files = unpack(dir, args.files, args.upstreamPredicates);
  const loadErrors: { file: string; error: string }[] = [];
  for (const file of files) {
    try {
      require(join(dir, file));
    } catch (err) {
      loadErrors.push({ file, error: String(err instanceof Error ? err.stack : err) });
    }
  }
  // A fit() whose spec already failed can throw later from a timer; record it instead of dying
  // without a summary (the wrapper requires none).
  const lateErrors: string[] = [];
  process.on('uncaughtException', (err) => lateErrors.push(`${currentSpec}: ${String(err instanceof Error ? err.stack : err)}`));
  const overall = await runner.execute();

  const perFile: LayersSummary['perFile'] = {};
  for (const r of results) {
    const file = r.filename == null ? '?' : relative(dir, r.filename);
    const entry = (perFile[file] ??= { specs: 0, passed: 0, failed: 0, seconds: 0 });
    entry.specs++;
    if (r.status === 'passed') entry.passed++;
    if (r.status === 'failed') entry.failed++;
    entry.seconds += (r.duration ?? 0) / 1000;
  }
  const failed = results.filter((r) => r.status === 'failed');
  const summary: LayersSummary = {
    backend: args.backend + (args.fixes ? '+fixes' : ''),
    date: new Date().toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    files: files.length,
    loadErrors,
    specs: results.length,
    executed: results.filter((r) => r.status === 'passed' || r.status === 'failed').length,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: failed.length,
    pending: results.filter((r) => r.status === 'pending').length,
    excluded: excludedSpecs.size,
    excludedSpecs: [...excludedSpecs],
    overallStatus: overall.overallStatus,
    failures: failed.map((r) => ({ name: r.fullName, errors: r.failedExpectations.map((f) => describeFailure(f)) })),
    allowancesUsed,
    lateErrors,
    perFile,
  };
  if (args.backend === 'torch') {
    const torch = (await import('@gantry/tfjs-backend-torch')) as { fallbackCounts(): Record<string, number> };
    summary.fallbackCounts = torch.fallbackCounts();
  }
  rmSync(progressFile, { force: true });
  writeFileSync(args.json, JSON.stringify(summary, null, 2) + '\n');
  console.log(`layers conformance ${summary.backend}: ${files.length} files, ${summary.passed} passed, ${summary.failed} failed, ` +
    `${summary.pending} pending, ${summary.excluded} excluded, ${loadErrors.length} load errors in ` +
    `${summary.durationSeconds.toFixed(1)} s -> ${args.json}`);
  // Some specs leave timers behind; exit explicitly with jasmine's verdict.
  process.exit(summary.failed === 0 && loadErrors.length === 0 && lateErrors.length === 0 && overall.overallStatus !== 'failed' ? 0 : 1);
}

/**
 * Lets `extraDataIds` more data ids through tfjs' IS_TEST leak check for each allowance's scope
 * (excluded.json says why per scope); a larger count still throws tfjs' own error. Returns, per
 * scope, the specs that needed it. Only this test process's engine instance is wrapped.
 */
function allowLeakCheck(allowances: LeakCheckAllowance[], spec: () => string): Record<string, string[]> {
  const used: Record<string, string[]> = {};
  if (allowances.length === 0) return used;
  type Check = (scope: string, numDataIdsBefore: number, outInfos: TensorInfo[]) => void;
  const eng = engine() as unknown as { checkKernelForMemLeak: Check };
  const check: Check = eng.checkKernelForMemLeak.bind(eng);
  eng.checkKernelForMemLeak = (scope, numDataIdsBefore, outInfos) => {
    const allowance = allowances.find((a) => a.scope === scope);
    if (allowance === undefined) return check(scope, numDataIdsBefore, outInfos);
    try {
      check(scope, numDataIdsBefore, outInfos);
    } catch {
      check(scope, numDataIdsBefore + allowance.extraDataIds, outInfos);
      const names = (used[scope] ??= []);
      if (names[names.length - 1] !== spec()) names.push(spec());
    }
  };
  return used;
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
