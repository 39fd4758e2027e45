// Shared result shape and the few statistics the benchmark reports.

export interface BenchResult {
  workload: string;
  backend: string;
  threads: number;
  status: 'ok' | 'n/a' | 'error';
  reason?: string;
  msPerStep: number | null;
  /** Process CPU time per step (all threads; median): steadier than wall time on a busy machine. */
  cpuMsPerStep?: number;
  steps: number;
  lastLoss?: number;
  numTensors?: number;
  fallbackCounts?: Record<string, number>;
  /** With --repeats: each process's ms/step, in run order (msPerStep is then their median). */
  runsMsPerStep?: number[];
  /** Trained parameters of each player, printed so that a run shows both sides hold the same networks. */
  parameters?: { generator: number; discriminator: number };
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Median process CPU time in microseconds per call of `fn`, over `blocks` blocks of `callsPerBlock` calls: a GC
 * pause or a burst of load from other processes hits one block, not the result. Callers warm `fn` up first.
 */
export function medianCpuMicrosPerCall(fn: () => void, callsPerBlock: number, blocks: number): number {
  const perBlock: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < callsPerBlock; i++) fn();
    const used = process.cpuUsage(start);
    perBlock.push((used.user + used.system) / callsPerBlock);
  }
  return median(perBlock);
}

/** Speed relative to PyTorch: > 1 means faster than PyTorch. */
export function speedVsPyTorch(ms: number | null, pytorchMs: number | null): number | null {
  if (ms == null || pytorchMs == null || ms <= 0) return null;
  return pytorchMs / ms;
}

/**
 * PyTorch's row for a workload at `threads` threads (the equal-threads peer) and its fastest row over
 * every thread count that ran (PyTorch at its own best; on a small machine eager PyTorch is often
 * fastest on one thread, and an equal-threads ratio alone flatters whoever copes better with two).
 */
export function pytorchPeers(results: BenchResult[], workload: string, threads: number):
  { equal: BenchResult | null; best: BenchResult | null } {
  const timed = results.filter((r) => r.workload === workload && r.backend === 'pytorch' && r.msPerStep != null);
  const equal = timed.find((r) => r.threads === threads) ?? null;
  const best = timed.reduce<BenchResult | null>((b, r) => (b == null || r.msPerStep! < b.msPerStep! ? r : b), null);
  return { equal, best };
}

/** "0.91x" against the equal-threads peer, "0.55x (1 thread)" against the best one; "-" where either is missing. */
export function speedCells(ms: number | null, peers: { equal: BenchResult | null; best: BenchResult | null }): [string, string] {
  const equal = speedVsPyTorch(ms, peers.equal?.msPerStep ?? null);
  const best = speedVsPyTorch(ms, peers.best?.msPerStep ?? null);
  const threads = peers.best == null ? '' : ` (${peers.best.threads} thread${peers.best.threads === 1 ? '' : 's'})`;
  return [equal == null ? '-' : `${equal.toFixed(2)}x`, best == null ? '-' : `${best.toFixed(2)}x${threads}`];
}

/** A fixed-width markdown table (readable in a terminal and in docs). */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * The part of an existing benchmarks doc from its "## Memory" heading on (written from
 * bench/memory.ts's output, not by this runner): kept when the timing table is regenerated.
 */
export function preservedSections(existing: string): string {
  const at = existing.search(/^## Memory\b/m);
  return at < 0 ? '' : `\n${existing.slice(at).trimEnd()}\n`;
}

/**
 * One row from repeated processes of the same (workload, backend): ms/step and CPU ms/step are the medians
 * of the runs' medians, steps their sum; a run that did not finish makes the row that run's result.
 */
export function combineRuns(runs: BenchResult[]): BenchResult {
  const failed = runs.find((r) => r.status !== 'ok' || r.msPerStep == null);
  if (failed != null || runs.length === 1) return failed ?? runs[0];
  const ms = runs.map((r) => r.msPerStep!);
  const cpu = runs.map((r) => r.cpuMsPerStep).filter((v): v is number => v != null);
  const fallbackCounts: Record<string, number> = {};
  for (const r of runs) for (const [k, n] of Object.entries(r.fallbackCounts ?? {})) fallbackCounts[k] = (fallbackCounts[k] ?? 0) + n;
  return {
    ...runs[runs.length - 1], msPerStep: median(ms), cpuMsPerStep: cpu.length > 0 ? median(cpu) : undefined,
    steps: runs.reduce((n, r) => n + r.steps, 0), runsMsPerStep: ms, fallbackCounts,
  };
}
