/**
 * @license
 * Copyright 2018 Google LLC
 *
 * Use of this source code is governed by an MIT-style
 * license that can be found in the LICENSE file or at
 * https://opensource.org/licenses/MIT.
 * =============================================================================
 */

// tfjs-layers 4.22.0's src/utils/test_utils.ts (LICENSE beside this file), copied so that the vendored
// specs run their cpu-only suites on torch too. The runner copies this file to utils/test_utils.ts of
// the unpacked specs, where their relative imports find it. Changes from upstream, nothing else:
// - describeMathCPU's predicate accepts backendName 'torch' as well as 'cpu' (upstream: 'cpu' only;
//   those suites are "math on a CPU backend", which torch is); GPU-only suites stay webgl-only;
// - imports name the installed package's modules (and .js), types are spelled out for strict mode.

import { memory, Tensor, test_util, util } from '@tensorflow/tfjs-core';
import { ALL_ENVS, describeWithFlags } from '@tensorflow/tfjs-core/dist/jasmine_util.js';
import { ValueError } from '@tensorflow/tfjs-layers/dist/errors.js';

/** The backends whose tests describeMathCPU runs. */
export const CPU_LIKE_BACKENDS = ['cpu', 'torch'];

/**
 * Expect values are close between a Tensor or number array.
 */
export function expectTensorsClose(actual: Tensor | number[], expected: Tensor | number[], epsilon?: number): void {
  if (actual == null) {
    throw new ValueError('First argument to expectTensorsClose() is not defined.');
  }
  if (expected == null) {
    throw new ValueError('Second argument to expectTensorsClose() is not defined.');
  }
  if (actual instanceof Tensor && expected instanceof Tensor) {
    if (actual.dtype !== expected.dtype) {
      throw new Error(`Data types do not match. Actual: '${actual.dtype}'. ` + `Expected: '${expected.dtype}'`);
    }
    if (!util.arraysEqual(actual.shape, expected.shape)) {
      throw new Error(`Shapes do not match. Actual: [${actual.shape.join(',')}]. ` + `Expected: [${expected.shape.join(',')}].`);
    }
  }
  const actualData = actual instanceof Tensor ? actual.dataSync() : actual;
  const expectedData = expected instanceof Tensor ? expected.dataSync() : expected;
  test_util.expectArraysClose(actualData, expectedData, epsilon);
}

/**
 * Expect values are not close between a Tensor or number array.
 */
export function expectTensorsNotClose(t1: Tensor | number[], t2: Tensor | number[], epsilon?: number): void {
  try {
    expectTensorsClose(t1, t2, epsilon);
  } catch {
    return;
  }
  throw new Error('The two values are close at all elements.');
}

/**
 * Expect values in array are within a specified range, boundaries inclusive.
 */
export function expectTensorsValuesInRange(actual: Tensor, low: number, high: number): void {
  if (actual == null) {
    throw new ValueError('First argument to expectTensorsClose() is not defined.');
  }
  test_util.expectValuesInRange(actual.dataSync(), low, high);
}

/**
 * Describe tests to be run on CPU and GPU.
 */
export function describeMathCPUAndGPU(testName: string, tests: () => void): void {
  describeWithFlags(testName, ALL_ENVS, () => {
    tests();
  });
}

/**
 * Describe tests to be run on CPU and GPU WebGL2.
 */
export function describeMathCPUAndWebGL2(testName: string, tests: () => void): void {
  describeWithFlags(testName, {
    predicate: (testEnv) => testEnv.flags == null || testEnv.flags['WEBGL_VERSION'] === 2,
  }, () => {
    tests();
  });
}

/**
 * Describe tests to be run on CPU only (here: cpu and torch).
 */
export function describeMathCPU(testName: string, tests: () => void): void {
  describeWithFlags(testName, { predicate: (testEnv) => CPU_LIKE_BACKENDS.includes(testEnv.backendName) }, () => {
    tests();
  });
}

/**
 * Describe tests to be run on GPU only.
 */
export function describeMathGPU(testName: string, tests: () => void): void {
  describeWithFlags(testName, { predicate: (testEnv) => testEnv.backendName === 'webgl' }, () => {
    tests();
  });
}

/**
 * Describe tests to be run on WebGL2 GPU only.
 */
export function describeMathWebGL2(testName: string, tests: () => void): void {
  describeWithFlags(testName, {
    predicate: (testEnv) => testEnv.backendName === 'webgl' && (testEnv.flags == null || testEnv.flags['WEBGL_VERSION'] === 2),
  }, () => {
    tests();
  });
}

/**
 * Check that a function only generates the expected number of new Tensors.
 *
 * The test function is called twice, once to prime any regular constants and
 * once to ensure that additional copies aren't created/tensors aren't leaked.
 */
export function expectNoLeakedTensors(testFunc: () => unknown, numNewTensors: number): void {
  testFunc();
  const numTensorsBefore = memory().numTensors;
  testFunc();
  const numTensorsAfter = memory().numTensors;
  const actualNewTensors = numTensorsAfter - numTensorsBefore;
  if (actualNewTensors !== numNewTensors) {
    throw new ValueError(
      `Created an unexpected number of new ` +
        `Tensors.  Expected: ${numNewTensors}, created : ${actualNewTensors}. ` +
        `Please investigate the discrepency and/or use tidy.`,
    );
  }
}
