// c10d collectives across real processes: two ranks on loopback (test/distributed-worker.ts) all-reduce,
// broadcast and meet at barriers; a rank killed with SIGKILL or stopped with SIGSTOP makes its peer
// fail with an error naming the lost rank, within a stated bound, never a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

import { collectiveBackends, processGroupOptionsFromEnv } from '@gantry/tfjs-backend-torch';

const worker = fileURLToPath(new URL('./distributed-worker.ts', import.meta.url));

/** Ports free on loopback right now (held open together so that they differ; rank 0's store binds them moments later). */
async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  const ports = await Promise.all(servers.map((server) => new Promise<number>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address === 'object' && address !== null) resolve(address.port);
      else reject(new Error('no port'));
    });
  })));
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

interface Rank {
  child: ChildProcess;
  records: Array<Record<string, unknown>>;
  /** Resolves with the first record that has `key`. */
  next(key: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
  stderr(): string;
}

/** A worker process running `phases` (one group each, with its collectives' timeout) as `rank` of 2. */
function startRank(phases: string[], rank: number, ports: number[], timeoutsMs: number[]): Rank {
  const scenario = phases.join(',');
  const child = spawn(process.execPath, ['--conditions=gantry-source', '--import', 'tsx', worker, scenario], {
    env: { ...process.env, MASTER_ADDR: '127.0.0.1', WORLD_SIZE: '2', RANK: String(rank), GANTRY_TORCH_THREADS: '1',
      GANTRY_TEST_PORTS: ports.join(','), GANTRY_TEST_TIMEOUTS: timeoutsMs.join(',') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const records: Array<Record<string, unknown>> = [];
  const waiters: Array<{ key: string; resolve: (r: Record<string, unknown>) => void }> = [];
  let buffered = '';
  let errText = '';
  child.stderr!.on('data', (chunk: Buffer) => { errText += chunk.toString(); });
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.startsWith('{')) continue;
      const record = JSON.parse(line) as Record<string, unknown>;
      records.push(record);
      for (const w of waiters.filter((x) => x.key in record)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(record);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const next = (key: string): Promise<Record<string, unknown>> => {
    const seen = records.find((r) => key in r);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ key, resolve });
      void exited.then((code) => reject(new Error(`rank ${rank} (${scenario}) exited ${code} before printing ${key}: ${errText.slice(-2000)}`)));
    });
  };
  return { child, records, next, exited, stderr: () => errText };
}

/** Runs `body` with two ranks, killing whatever is left afterwards (a failing test must not leave processes behind). */
async function withRanks(phases: [string[], string[]], timeoutsMs: number[], body: (ranks: Rank[]) => Promise<void>): Promise<void> {
  const ports = await freePorts(timeoutsMs.length);
  const ranks = phases.map((p, rank) => startRank(p, rank, ports, timeoutsMs));
  try {
    await body(ranks);
  } finally {
    for (const r of ranks) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  }
}

test('processGroupOptionsFromEnv reads torchrun\'s variables and names a missing or invalid one', () => {
  const env = { MASTER_ADDR: '10.0.0.1', MASTER_PORT: '29500', WORLD_SIZE: '4', RANK: '3' };
  assert.deepEqual(processGroupOptionsFromEnv(env, { timeoutMs: 5000 }),
    { masterAddr: '10.0.0.1', masterPort: 29500, worldSize: 4, rank: 3, timeoutMs: 5000 });
  assert.throws(() => processGroupOptionsFromEnv({ ...env, MASTER_ADDR: undefined }), /MASTER_ADDR is not set.*torchrun/);
  assert.throws(() => processGroupOptionsFromEnv({ ...env, MASTER_PORT: '' }), /MASTER_PORT is not set/);
  assert.throws(() => processGroupOptionsFromEnv({ ...env, MASTER_PORT: '70000' }), /MASTER_PORT="70000" is not an integer in \[1, 65535\]/);
  assert.throws(() => processGroupOptionsFromEnv({ ...env, WORLD_SIZE: 'two' }), /WORLD_SIZE="two"/);
  assert.throws(() => processGroupOptionsFromEnv({ ...env, RANK: '4' }), /RANK="4" is not an integer in \[0, 3\]/);
  assert.throws(() => processGroupOptionsFromEnv({ ...env, RANK: '-1' }), /RANK="-1"/);
  assert.ok(collectiveBackends().includes('gloo'));
});

// A killed process's sockets are closed by the kernel, so its peer fails at once; the bound allows for
// a loaded machine. A stopped one keeps its sockets open: its peer fails when the collective's timeout
// (TIMEOUT_MS) passes.
const TIMEOUT_MS = 3000;
const KILL_BOUND_MS = 5000;
const STOP_BOUND_MS = TIMEOUT_MS + 5000;

// Four processes in all, two groups at a time: each start-up loads LibTorch and tfjs (~2.5 s of CPU).
test('two processes on loopback', { timeout: 120_000, concurrency: true }, async (t) => {
  const collectives = t.test('all-reduce, broadcast and barrier in place on torch tensors; then rank 0 killed with SIGKILL', async () => {
    await withRanks([['collectives', 'victim'], ['collectives', 'survivor']], [20_000, TIMEOUT_MS], async (ranks) => {
      const [sums, means, ends] = await Promise.all(['sum', 'mean', 'leaked'].map((key) => Promise.all(ranks.map((r) => r.next(key)))));
      await Promise.all(ranks.map((r) => r.next('done')));
      for (const rank of [0, 1]) {
        const s = sums[rank].sum as Record<string, number[]>;
        assert.deepEqual(s.shared, [3, 6], 'variable sharing its dataId: reduced into a fresh tensor');
        assert.deepEqual(s.init, [rank + 1, 2 * (rank + 1)], 'the tensor the variable was made from is untouched');
        assert.deepEqual(s.plain, [1, 2, 4, 6]);
        assert.deepEqual(s.ints, [11]);
        assert.deepEqual(s.view, [0, 2, 4, 6]);
        assert.deepEqual(s.base, [0, 1, 2, 3], 'a tensor whose storage the reduced view shared keeps its values');
        assert.deepEqual(s.original, [1, 1]);
        assert.deepEqual(s.clone, [1, 1], 'clones share the dataId, so they see the result');
        const m = means[rank];
        assert.deepEqual(m.mean, [1, 1, 1]);
        assert.deepEqual(m.broadcast, { own: [11, 11, 11], fromInit: [7, 7], convolved: [rank + 1, 2] });
        assert.deepEqual(m.overlapped, [1.5, 1.5, 1.5, 1.5]);
        assert.deepEqual(m.meanwhile, [16]);
        assert.equal(ends[rank].leaked, 0);
        assert.deepEqual(ends[rank].wrongSteps, []);
        const errors = ends[rank].errors as string[];
        assert.match(errors[0], /bool tensor/);
        assert.match(errors[1], /int32 tensor .* cannot be averaged/);
        assert.match(errors[2], /broadcast: root is 2/);
      }
      // Second group: rank 0 (which also serves the store) dies while rank 1 waits in an all-reduce.
      const [victim, survivor] = ranks;
      await Promise.all([victim.next('ready'), survivor.next('ready')]);
      const start = Date.now();
      victim.child.kill('SIGKILL');
      const result = await survivor.next('error');
      const waited = Date.now() - start;
      assert.match(String(result.error), /rank 1 of 2: allreduce failed: lost rank 0 \(its connection \[127\.0\.0\.1\]:\d+ failed\)/);
      assert.ok(waited < KILL_BOUND_MS, `the survivor took ${waited} ms to notice (bound ${KILL_BOUND_MS} ms)`);
      assert.equal(await survivor.exited, 0);
    });
  });
  const stopped = t.test('a stopped rank (SIGSTOP) makes its peer time out, naming the timeout', async () => {
    await withRanks([['survivor'], ['victim']], [TIMEOUT_MS], async ([survivor, victim]) => {
      await Promise.all([victim.next('ready'), survivor.next('ready')]);
      const start = Date.now();
      victim.child.kill('SIGSTOP');
      const result = await survivor.next('error');
      const waited = Date.now() - start;
      victim.child.kill('SIGKILL');
      assert.match(String(result.error), /rank 0 of 2: allreduce failed.*timed out after 3000 ms/);
      assert.ok(Number(result.elapsedMs) >= TIMEOUT_MS * 0.9, `failed after ${String(result.elapsedMs)} ms, before the timeout`);
      assert.ok(waited < STOP_BOUND_MS, `the survivor took ${waited} ms to give up (bound ${STOP_BOUND_MS} ms)`);
    });
  });
  await Promise.all([collectives, stopped]);
});
