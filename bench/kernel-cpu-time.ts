// tf.profile times each kernel through the active backend's time(); on a CPU backend its wall time says little on a
// shared machine, so this wraps time() to read the process's CPU clock around each kernel too, reported as the
// kernel's extraInfo (CPU milliseconds, as a string). Used by bench/profile.ts, bench/sequence-profile.ts and
// examples/translation/reference/step-profile.ts.
import * as tf from '@tensorflow/tfjs-core';

/** CPU milliseconds (user + system, all threads) in a process.cpuUsage() reading or difference. */
export function cpuMsOf(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** From now on, each kernel tf.profile reports on the active backend carries its CPU ms as extraInfo. */
export function recordKernelCpuTime(): void {
  const active = tf.backend() as tf.KernelBackend & { time(f: () => void): Promise<tf.BackendTimingInfo> };
  const backendTime = active.time.bind(active);
  active.time = async (f) => {
    let cpu = 0;
    const timing = await backendTime(() => {
      const start = process.cpuUsage();
      f();
      cpu = cpuMsOf(process.cpuUsage(start));
    });
    return { ...timing, getExtraProfileInfo: () => String(cpu) };
  };
}
