// Data-parallel collectives for tfjs tensors held by the torch backend, on PyTorch's own c10d
// (native/src/distributed.cc): a TCPStore rendezvous and ProcessGroupGloo (NCCL when the addon is
// built against a CUDA LibTorch). The tensors' data stays in LibTorch: a call flattens its tensors into
// one bucket (one collective per call, not one per weight), reduces it, and writes the result back.
//
// "In place" here means on the tensor's data (its tfjs dataId): tensors sharing that dataId (clones,
// identities) see the result too, while other tensors that were ATen views of the same storage keep
// their values (the native side then gives the dataId new storage). A tf.Variable whose dataId is shared
// (tf.variable(t) keeps t's dataId) is assigned a fresh tensor instead, so that `t` is left untouched.
import { engine, Variable, type Tensor } from '@tensorflow/tfjs-core';

import { addon, nativeOp, type NativeMultiOp } from './addon.js';
import type { TorchBackend } from './backend.js';
import { BACKEND_NAME } from './kernels/index.js';

export type CollectiveBackend = 'gloo' | 'nccl';
export type ReduceOp = 'sum' | 'mean';

export interface ProcessGroupOptions {
  /** This process's rank, 0 <= rank < worldSize; rank 0 serves the rendezvous store. */
  rank: number;
  worldSize: number;
  /** Address of rank 0's machine, as every rank can reach it (torchrun's MASTER_ADDR). */
  masterAddr: string;
  /** A free TCP port on rank 0's machine (torchrun's MASTER_PORT). */
  masterPort: number;
  /**
   * How long a collective waits for its peers (default 300,000 ms), and init for every rank to join.
   * A peer whose process dies is noticed at once (its connections close); a stuck one after this.
   */
  timeoutMs?: number;
  /**
   * How long init waits for every rank to join (default timeoutMs): processes started on several
   * machines may need longer to arrive than a collective should wait for a peer.
   */
  initTimeoutMs?: number;
  /** 'gloo' (default; CPU tensors) or 'nccl' (only in an addon built against a CUDA LibTorch). */
  backend?: CollectiveBackend;
}

export const DEFAULT_TIMEOUT_MS = 300_000;

/** The collective backends this build of the addon has ('gloo', plus 'nccl' with a CUDA LibTorch). */
export function collectiveBackends(): CollectiveBackend[] {
  const list = addon.distBackends as unknown as (() => CollectiveBackend[]) | undefined;
  return typeof list === 'function' ? list() : [];
}

function torchBackend(): TorchBackend {
  const backend = engine().findBackend(BACKEND_NAME) as TorchBackend | null;
  if (backend === null) throw new Error(`distributed: the '${BACKEND_NAME}' backend is not registered`);
  return backend;
}

function checkInteger(where: string, name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${where}: ${name} is ${value}, expected an integer in [${min}, ${max}]`);
  }
}

/** A collective under way; `wait()` finishes it and writes its result into the tensors. */
export interface PendingCollective {
  wait(): void;
}

/** A group of processes that all-reduce, broadcast and meet at barriers (torch.distributed's group). */
export class ProcessGroup {
  readonly rank: number;
  readonly worldSize: number;
  readonly backend: CollectiveBackend;
  private id: number | null;

  constructor(options: ProcessGroupOptions) {
    const { rank, worldSize, masterAddr, masterPort, timeoutMs = DEFAULT_TIMEOUT_MS, backend = 'gloo' } = options;
    const initTimeoutMs = options.initTimeoutMs ?? timeoutMs;
    checkInteger('initProcessGroup', 'worldSize', worldSize, 1, 1 << 20);
    checkInteger('initProcessGroup', 'rank', rank, 0, worldSize - 1);
    checkInteger('initProcessGroup', 'masterPort', masterPort, 1, 65535);
    checkInteger('initProcessGroup', 'timeoutMs', timeoutMs, 1, 2 ** 31 - 1);
    checkInteger('initProcessGroup', 'initTimeoutMs', initTimeoutMs, 1, 2 ** 31 - 1);
    if (masterAddr === '') throw new Error('initProcessGroup: masterAddr is empty');
    if (!collectiveBackends().includes(backend)) {
      throw new Error(`initProcessGroup: the addon has no '${backend}' collectives (it has: ${collectiveBackends().join(', ') || 'none'}; ` +
        "'gloo' needs Debian's libgloo-dev when the addon is built, 'nccl' a CUDA LibTorch)");
    }
    this.rank = rank;
    this.worldSize = worldSize;
    this.backend = backend;
    // Blocks until every rank has joined (or initTimeoutMs passes): the rendezvous.
    this.id = nativeOp('distInit')(rank, worldSize, masterAddr, masterPort, timeoutMs, backend, initTimeoutMs);
  }

  private groupId(): number {
    if (this.id === null) throw new Error('distributed: the process group was destroyed');
    return this.id;
  }

  /**
   * Starts summing (or averaging) `tensors` over all ranks, as one bucket per dtype; every rank must
   * pass tensors of the same shapes and dtypes in the same order. The result is written at `wait()`;
   * the tensors must not be read before that. Lets other work overlap the communication.
   */
  startAllReduce(tensors: readonly Tensor[], op: ReduceOp = 'sum'): PendingCollective {
    if (op !== 'sum' && op !== 'mean') throw new Error(`allReduce: op must be 'sum' or 'mean', got ${String(op)}`);
    for (const t of tensors) {
      if (t.dtype !== 'float32' && (t.dtype !== 'int32' || op === 'mean')) {
        throw new Error(`allReduce: a ${t.dtype} tensor [${t.shape}] cannot be ${op === 'mean' ? 'averaged' : 'summed'} (float32${op === 'sum' ? ' or int32' : ''} only)`);
      }
    }
    return this.start(tensors, (handles, fresh) => nativeOp('distStartAllReduce')(this.groupId(), handles, op === 'mean', fresh));
  }

  /** Sums (op 'sum') or averages ('mean') `tensors` over all ranks, in place. One collective per call. */
  allReduce(tensors: readonly Tensor[], op: ReduceOp = 'sum'): void {
    this.startAllReduce(tensors, op).wait();
  }

  /** Starts giving every rank `root`'s values of `tensors` (same shapes and dtypes on every rank). */
  startBroadcast(tensors: readonly Tensor[], root = 0): PendingCollective {
    checkInteger('broadcast', 'root', root, 0, this.worldSize - 1);
    for (const t of tensors) {
      if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`broadcast: a ${t.dtype} tensor [${t.shape}] (float32 or int32 only)`);
    }
    return this.start(tensors, (handles, fresh) => nativeOp('distStartBroadcast')(this.groupId(), handles, root, fresh));
  }

  /** Every rank's `tensors` take `root`'s values, in place (e.g. the initial weights from rank 0). */
  broadcast(tensors: readonly Tensor[], root = 0): void {
    this.startBroadcast(tensors, root).wait();
  }

  /** Returns once every rank has called barrier(). */
  barrier(): void {
    nativeOp('distBarrier')(this.groupId());
  }

  /**
   * Leaves the group. Rank 0's store goes with it, so every rank should be past its last collective
   * (a barrier first does that). Idempotent.
   */
  destroy(): void {
    if (this.id === null) return;
    nativeOp('distDestroy')(this.id);
    this.id = null;
    if (defaultGroup === this) defaultGroup = null;
  }

  private start(tensors: readonly Tensor[], begin: (handles: number[], fresh: number[]) => number): PendingCollective {
    const backend = torchBackend();
    const handles = tensors.map((t) => {
      if (t.isDisposed) throw new Error(`distributed: a disposed tensor [${t.shape}] was passed`);
      return backend.handleOf(t);   // uploads JS-held values once; no-op for native data
    });
    // A variable sharing its dataId with another tensor gets a fresh tensor, assigned at wait().
    const fresh = tensors.map((t) => (t instanceof Variable && backend.refCount(t.dataId) > 1 ? 1 : 0));
    const work = begin(handles, fresh);
    let done = false;
    return {
      wait: () => {
        if (done) return;
        done = true;
        const out: number[] = (nativeOp('distWait') as NativeMultiOp)(work);
        tensors.forEach((t, i) => {
          if (out[i] === handles[i]) return;   // written in place (or this rank was the broadcast's root)
          const value = engine().makeTensorFromTensorInfo(backend.makeOutput(out[i], [...t.shape], t.dtype));
          (t as Variable).assign(value);   // shares value's dataId: no copy
          value.dispose();
        });
      },
    };
  }
}

let defaultGroup: ProcessGroup | null = null;

/**
 * Joins a process group (blocking until all `worldSize` ranks have joined) and makes it the default
 * one that allReduce/broadcast/barrier/destroyProcessGroup use.
 */
export function initProcessGroup(options: ProcessGroupOptions): ProcessGroup {
  if (defaultGroup !== null) throw new Error('initProcessGroup: a process group is already initialised (destroyProcessGroup() first)');
  defaultGroup = new ProcessGroup(options);
  return defaultGroup;
}

/** What torchrun's environment does not say. */
export type ExtraOptions = Pick<ProcessGroupOptions, 'timeoutMs' | 'initTimeoutMs' | 'backend'>;

const ENV_HELP = 'torchrun sets MASTER_ADDR, MASTER_PORT, WORLD_SIZE and RANK; set them by hand to start processes without it';

function envInteger(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') throw new Error(`processGroupFromEnv: ${name} is not set (${ENV_HELP})`);
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value < min || value > max) {
    throw new Error(`processGroupFromEnv: ${name}=${JSON.stringify(text)} is not an integer in [${min}, ${max}] (${ENV_HELP})`);
  }
  return value;
}

/**
 * The options torchrun's environment describes (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK), with
 * errors that name a missing or invalid variable. `extra` adds timeouts and the backend.
 */
export function processGroupOptionsFromEnv(env: NodeJS.ProcessEnv = process.env,
  extra: ExtraOptions = {}): ProcessGroupOptions {
  const masterAddr = env.MASTER_ADDR?.trim() ?? '';
  if (masterAddr === '') throw new Error(`processGroupFromEnv: MASTER_ADDR is not set (${ENV_HELP})`);
  const masterPort = envInteger(env, 'MASTER_PORT', 1, 65535);
  const worldSize = envInteger(env, 'WORLD_SIZE', 1, 1 << 20);
  const rank = envInteger(env, 'RANK', 0, worldSize - 1);
  return { rank, worldSize, masterAddr, masterPort, ...extra };
}

/** initProcessGroup from torchrun's environment variables (see processGroupOptionsFromEnv). */
export function processGroupFromEnv(extra: ExtraOptions = {},
  env: NodeJS.ProcessEnv = process.env): ProcessGroup {
  return initProcessGroup(processGroupOptionsFromEnv(env, extra));
}

/** The default process group, or null before initProcessGroup / after destroyProcessGroup. */
export function currentProcessGroup(): ProcessGroup | null {
  return defaultGroup;
}

function group(): ProcessGroup {
  if (defaultGroup === null) throw new Error('distributed: no process group (call initProcessGroup or processGroupFromEnv first)');
  return defaultGroup;
}

/** Sums or averages `tensors` over the default group's ranks, in place, as one bucketed collective. */
export function allReduce(tensors: readonly Tensor[], op: ReduceOp = 'sum'): void {
  group().allReduce(tensors, op);
}

/** Every rank's `tensors` take `root`'s values, in place. */
export function broadcast(tensors: readonly Tensor[], root = 0): void {
  group().broadcast(tensors, root);
}

export function barrier(): void {
  group().barrier();
}

/** Leaves the default group (no-op without one). */
export function destroyProcessGroup(): void {
  defaultGroup?.destroy();
}
