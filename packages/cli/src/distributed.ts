// Data-parallel training from the command line (issue 20). `gantry train ... --nproc N` starts N copies of
// the command, each a rank told its place the way torchrun tells it (MASTER_ADDR, MASTER_PORT, WORLD_SIZE,
// RANK); a rank turns that environment into core's Replicas on the torch backend's c10d process group.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Replicas } from '@gantry/core';
import { integerFlag, stringFlag, UsageError, type Parsed } from './args.js';
import { selectBackend } from './backend.js';

/** The launcher's flags, for the command's parseFlags options. */
export const DISTRIBUTED_OPTIONS = {
  nproc: { type: 'string' }, nnodes: { type: 'string' }, 'node-rank': { type: 'string' }, master: { type: 'string' },
} as const;

export const DISTRIBUTED_USAGE = `  --nproc <n>           data-parallel: n processes on this machine, each on 1/n of every batch
                        (torch backend; --batch must divide by the number of processes; docs/distributed.md)
  --nnodes <m>          with --nproc: m machines, each running the same command with its own --node-rank
  --node-rank <r>       this machine's place, 0..m-1 (machine 0 serves the rendezvous and writes the run)
  --master <addr:port>  machine 0's address and a free port on it (default 127.0.0.1 and a free port)
  --sync-batch-norm     with --nproc: batch norm normalises with all ranks' rows, as one process would
                        (default: each rank's own rows, as DDP without SyncBatchNorm)`;

/**
 * How long a collective waits for a rank that stopped answering. A rank whose process dies is noticed at
 * once (its connections close); this bounds a stuck one.
 */
export const COLLECTIVE_TIMEOUT_MS = 120_000;
/** Starting machines may take a while to all arrive. */
const RENDEZVOUS_TIMEOUT_MS = 600_000;
/**
 * After one rank failed, the others get this long to stop by themselves (their next collective fails at
 * once, with an error that names the lost rank), then SIGKILL.
 */
export const STOP_GRACE_MS = 5_000;

interface Launch { nproc: number; nnodes: number; nodeRank: number; masterAddr: string; masterPort?: number }

function launchOf(values: Parsed['values']): Launch | undefined {
  const nproc = integerFlag(values.nproc, 'nproc', 1);
  const nnodes = integerFlag(values.nnodes, 'nnodes', 1);
  const nodeRank = integerFlag(values['node-rank'], 'node-rank', 0);
  const master = stringFlag(values.master, 'master');
  if (nproc === undefined) {
    if (nnodes !== undefined || nodeRank !== undefined || master !== undefined) throw new UsageError('--nnodes, --node-rank and --master go with --nproc');
    return undefined;
  }
  if (nodeRank !== undefined && nodeRank >= (nnodes ?? 1)) throw new UsageError(`--node-rank ${nodeRank} is not below --nnodes ${nnodes ?? 1}`);
  let masterAddr = '127.0.0.1';
  let masterPort: number | undefined;
  if (master !== undefined) {
    const m = /^(.+):(\d+)$/.exec(master);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new UsageError(`--master must be address:port, got ${JSON.stringify(master)}`);
    [masterAddr, masterPort] = [m[1].replace(/^\[(.*)\]$/, '$1'), Number(m[2])];
  } else if ((nnodes ?? 1) > 1) {
    throw new UsageError('--nnodes > 1 needs --master <address:port> of machine 0, the same on every machine');
  }
  return { nproc, nnodes: nnodes ?? 1, nodeRank: nodeRank ?? 0, masterAddr, masterPort };
}

/** argv without the launcher's own flags: what every rank runs. */
function rankArgv(argv: readonly string[]): string[] {
  const names = Object.keys(DISTRIBUTED_OPTIONS).map((n) => `--${n}`);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (names.includes(argv[i])) i++;
    else if (!names.some((n) => argv[i].startsWith(`${n}=`))) out.push(argv[i]);
  }
  return out;
}

/** A TCP port free on loopback right now (rank 0's rendezvous store binds it moments later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address === 'object' && address !== null) resolve(address.port);
      else reject(new Error('no free port'));
    });
  });
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Exit { rank: number; code: number | null; signal: NodeJS.Signals | null }

const describeExit = (e: Exit) => e.code !== null ? `exited with code ${e.code}` : `was killed by ${e.signal}`;

/**
 * Runs `command argv` as this machine's ranks and waits for them. When one fails, the others are killed if
 * they have not stopped within STOP_GRACE_MS, and the error thrown names the rank.
 */
async function launch(command: string, argv: readonly string[], l: Launch): Promise<void> {
  if (process.env.GANTRY_BACKEND === 'cpu') throw new UsageError('--nproc needs the torch backend (GANTRY_BACKEND=cpu is set)');
  const worldSize = l.nnodes * l.nproc;
  const masterPort = l.masterPort ?? await freePort();
  const threads = process.env.GANTRY_TORCH_THREADS ?? String(Math.max(1, Math.floor(availableParallelism() / l.nproc)));
  const bin = fileURLToPath(new URL('../bin/gantry.mjs', import.meta.url));
  console.error(`gantry ${command}: ${l.nproc} process${l.nproc === 1 ? '' : 'es'} on this machine (ranks ${l.nodeRank * l.nproc}..${(l.nodeRank + 1) * l.nproc - 1} ` +
    `of ${worldSize}, ${threads} torch thread(s) each), rendezvous at ${l.masterAddr}:${masterPort}`);
  const tails = new Map<number, string>();
  const children: Array<{ rank: number; child: ChildProcess }> = [];
  for (let local = 0; local < l.nproc; local++) {
    const rank = l.nodeRank * l.nproc + local;
    // rank 0 speaks for the run; the others' messages are kept and shown only if they fail
    const child = spawn(process.execPath, [bin, command, ...rankArgv(argv)], {
      env: {
        ...process.env, MASTER_ADDR: l.masterAddr, MASTER_PORT: String(masterPort), WORLD_SIZE: String(worldSize), RANK: String(rank),
        LOCAL_RANK: String(local), GANTRY_BACKEND: 'torch', GANTRY_TORCH_THREADS: threads,
      },
      stdio: rank === 0 ? 'inherit' : ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => tails.set(rank, ((tails.get(rank) ?? '') + chunk.toString()).slice(-4000)));
    children.push({ rank, child });
  }
  // a signal to the launcher alone (a scheduler's SIGTERM) must not leave the ranks running without it
  const forward = (signal: NodeJS.Signals) => { for (const { child } of children) if (child.exitCode === null) child.kill(signal); };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, forward);
  let failure: Exit | undefined;
  const exits = children.map(({ rank, child }) => new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      const exit = { rank, code, signal };
      if (code !== 0 && failure === undefined) {
        failure = exit;
        killAfterGrace(children.map((c) => c.child));
      }
      resolve(exit);
    });
  }));
  await Promise.all(exits);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, forward);
  if (failure === undefined) return;
  const tail = tails.get(failure.rank);
  if (tail) console.error(tail.trimEnd().split('\n').map((line) => `[rank ${failure!.rank}] ${line}`).join('\n'));
  const message = `rank ${failure.rank} ${describeExit(failure)}; the other ranks were stopped`;
  throw failure.code === 2 ? new UsageError(message) : new Error(message);
}

function killAfterGrace(children: ChildProcess[]): void {
  const timer = setTimeout(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, STOP_GRACE_MS);
  timer.unref();
}

/**
 * With --nproc, runs the command as ranks and returns true once they all succeeded (an error naming the
 * rank when one failed); false without --nproc (the command runs here). `argv` is the command's own
 * argument list, passed on to every rank without the launcher's flags.
 */
export async function launchRanks(command: string, argv: readonly string[], values: Parsed['values']): Promise<boolean> {
  const l = launchOf(values);
  if (!l) return false;
  if (process.env.WORLD_SIZE !== undefined) throw new UsageError('--nproc inside a rank (WORLD_SIZE is set): start the ranks either with --nproc or by hand');
  await launch(command, argv, l);
  return true;
}

/** This process's rank when it is one of several (WORLD_SIZE > 1), else 0: only rank 0 writes a run's own files. */
export function rankFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.WORLD_SIZE ?? 1) > 1 ? Number(env.RANK ?? 0) : 0;
}

/** Refuses a command path that does not train data-parallel when started as one of several ranks. */
export function requireSingleProcess(what: string, env: NodeJS.ProcessEnv = process.env): void {
  if (Number(env.WORLD_SIZE ?? 1) > 1) throw new UsageError(`${what} does not train data-parallel yet; run it without --nproc`);
}

/**
 * The run's replicas when this process is one of several ranks (torchrun's environment with WORLD_SIZE > 1),
 * on the torch backend's c10d group; undefined for a single process.
 */
export async function replicasFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Replicas | undefined> {
  if (Number(env.WORLD_SIZE ?? 1) <= 1) return undefined;
  if ((await selectBackend()) !== 'torch') throw new Error('data-parallel training needs the torch backend (build it with npm run build:native)');
  const { processGroupFromEnv } = await import('@gantry/tfjs-backend-torch');
  const group = processGroupFromEnv({ timeoutMs: COLLECTIVE_TIMEOUT_MS, initTimeoutMs: RENDEZVOUS_TIMEOUT_MS }, env);
  return {
    rank: group.rank, worldSize: group.worldSize,
    average: (tensors) => group.allReduce(tensors, 'mean'),
    broadcast: (tensors) => group.broadcast(tensors, 0),
  };
}
