// One rank of the process groups that distributed.test.ts starts (MASTER_ADDR, WORLD_SIZE and RANK in
// the environment, as torchrun sets them; MASTER_PORT and the collectives' timeout are the n-th of
// GANTRY_TEST_PORTS and GANTRY_TEST_TIMEOUTS for the n-th phase). It runs the phases named by its argument ("collectives,victim": one group after the other,
// which saves starting processes) and prints one JSON line per result.
//   collectives: all-reduce, broadcast, barrier and their in-place rules; prints the values it saw
//   survivor:    joins, prints {ready}, then all-reduces with a peer that the test kills or stops
//   victim:      joins, prints {ready}, then idles until the test kills it
//   bench:       times all-reduce of a 1-float and a 10 MB bucket (prints ms per call)
import * as tf from '@tensorflow/tfjs-core';

import {
  allReduce, barrier, broadcast, destroyProcessGroup, nativeTensorCount, processGroupFromEnv, type ProcessGroup,
} from '@gantry/tfjs-backend-torch';

const ports = (process.env.GANTRY_TEST_PORTS ?? '').split(',');
const timeouts = (process.env.GANTRY_TEST_TIMEOUTS ?? '').split(',').map(Number);
const say = (record: object): void => { process.stdout.write(`${JSON.stringify(record)}\n`); };
const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

await tf.ready();
for (const [phase, scenario] of (process.argv[2] ?? '').split(',').entries()) {
  // Joining waits for the other process's start-up, slow on a loaded machine: a minute.
  const group = processGroupFromEnv({ timeoutMs: timeouts[phase], initTimeoutMs: 60_000 }, { ...process.env, MASTER_PORT: ports[phase] });
  await run(scenario, group);
}

async function run(scenario: string, group: ProcessGroup): Promise<void> {
  const rank = group.rank;
  if (scenario === 'collectives') {
    // A variable made from a tensor shares its dataId (gets a fresh tensor); a plain JS-held tensor is
    // uploaded once; an int32 tensor goes in its own bucket.
    const init = tf.tensor1d([rank + 1, 2 * (rank + 1)]);
    const shared = tf.variable(init);
    const plain = tf.tensor2d([[rank, 1], [2, 3]]);
    const ints = tf.tensor1d([rank + 5], 'int32');
    // An ATen view of another tensor's storage (reshape) and a clone sharing a dataId.
    const base = tf.range(0, 4);
    const view = tf.reshape(base, [2, 2]);
    const original = tf.add(tf.zeros([2]), rank);
    const clone = tf.clone(original);
    allReduce([shared, plain, ints, view, original], 'sum');
    say({ sum: { shared: values(shared), init: values(init), plain: values(plain), ints: values(ints), view: values(view),
      base: values(base), original: values(original), clone: values(clone) } });

    const halves = tf.mul(tf.ones([3]), rank * 2);
    allReduce([halves], 'mean');
    // A variable whose dataId is its own (the tensor it came from was disposed) is written in place.
    const own = tf.tidy(() => tf.variable(tf.mul(tf.ones([3]), rank + 10)));
    const fromInit = tf.variable(tf.fill([2], rank * 7));
    // A filter convolved before the broadcast writes it in place: the next convolution sees the new values
    // (the native side keeps each filter's converted layout while the filter is unchanged).
    const filter = tf.tidy(() => tf.variable(tf.fill([1, 1, 1, 1], rank + 1)));
    const pixels = tf.ones([1, 9, 9, 1]) as tf.Tensor4D;
    const convolvedBefore = values(tf.conv2d(pixels, filter as tf.Tensor4D, 1, 'valid'))[0];
    broadcast([own, fromInit], 1);
    broadcast([filter], 1);   // alone in its bucket, so the collective writes the filter's own storage
    barrier();
    // Overlap: start, compute meanwhile, then wait.
    const overlapped = tf.mul(tf.ones([4]), rank + 1);
    const pending = group.startAllReduce([overlapped], 'mean');
    const meanwhile = tf.sum(tf.mul(tf.ones([8]), 2));
    pending.wait();
    const convolved = [convolvedBefore, values(tf.conv2d(pixels, filter as tf.Tensor4D, 1, 'valid'))[0]];
    say({ mean: values(halves), broadcast: { own: values(own), fromInit: values(fromInit), convolved }, overlapped: values(overlapped),
      meanwhile: values(meanwhile) });

    // Repeated steps (the same bucket size each time, so the bucket is reused) give the right values
    // and leave no native tensors behind.
    const before = nativeTensorCount();
    const wrongSteps: number[] = [];
    for (let step = 0; step < 20; step++) {
      const grads = tf.tidy(() => [tf.mul(tf.ones([16, 8]), step + rank), tf.mul(tf.ones([8]), rank)]);
      allReduce(grads, 'mean');
      const [a, b] = grads.map(values);
      if (!a.every((v) => v === step + 0.5) || !b.every((v) => v === 0.5)) wrongSteps.push(step);
      tf.dispose(grads);
    }
    const errors: string[] = [];
    for (const bad of [() => allReduce([tf.tensor1d([true], 'bool')]), () => allReduce([ints], 'mean'), () => broadcast([plain], 2)]) {
      try { bad(); errors.push('no error'); } catch (e) { errors.push((e as Error).message); }
    }
    say({ leaked: nativeTensorCount() - before, wrongSteps, errors });
    barrier();
    destroyProcessGroup();
    say({ done: true });
  } else if (scenario === 'survivor') {
    const x = tf.ones([1000]);
    allReduce([x]);
    say({ ready: rank });
    const start = Date.now();
    try {
      allReduce([x]);   // the peer never joins this one: it is killed or stopped
      say({ error: null, elapsedMs: Date.now() - start });
    } catch (e) {
      say({ error: (e as Error).message, elapsedMs: Date.now() - start });
    }
    process.exit(0);   // the group cannot be destroyed cleanly without its peer
  } else if (scenario === 'victim') {
    allReduce([tf.ones([1000])]);
    say({ ready: rank });
    await new Promise(() => setInterval(() => {}, 1000));   // until killed
  } else if (scenario === 'bench') {
    for (const [name, size] of [['4 B', 1], ['10 MB', 2_500_000]] as const) {
      const x = tf.ones([size]);
      const reps = size === 1 ? 200 : 10;
      allReduce([x]);   // warm-up
      barrier();
      const start = performance.now();
      for (let i = 0; i < reps; i++) allReduce([x], 'mean');
      say({ bucket: name, msPerAllReduce: (performance.now() - start) / reps });
    }
    barrier();
    destroyProcessGroup();
  }
}
