import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, parseIdx, IdxError, type IdxArray } from '../src/data/index.js';
import { readIdxFile, loadFashionMnist, FASHION_MNIST_DIR } from '../src/data/node.js';

const tmp = mkdtempSync(join(tmpdir(), 'gantry-idx-'));

test('idx: every dtype round-trips through encode/parse, big-endian', () => {
  const cases: IdxArray[] = [
    { dtype: 'uint8', shape: [2, 3], data: Uint8Array.from([0, 1, 2, 253, 254, 255]) },
    { dtype: 'int8', shape: [3], data: Int8Array.from([-128, 0, 127]) },
    { dtype: 'int16', shape: [2], data: Int16Array.from([-300, 300]) },
    { dtype: 'int32', shape: [1, 2], data: Int32Array.from([-70000, 1 << 30]) },
    { dtype: 'float32', shape: [2], data: Float32Array.from([1.5, -2.25]) },
    { dtype: 'float64', shape: [2, 1, 1], data: Float64Array.from([Math.PI, -1e300]) },
  ];
  for (const c of cases) {
    const back = parseIdx(encodeIdx(c));
    assert.equal(back.dtype, c.dtype);
    assert.deepEqual(back.shape, c.shape);
    assert.deepEqual([...back.data], [...c.data]);
  }
  // Byte order: 300 as big-endian int16 is 0x01 0x2c.
  const bytes = encodeIdx({ dtype: 'int16', shape: [1], data: Int16Array.from([300]) });
  assert.deepEqual([...bytes.subarray(8)], [0x01, 0x2c]);
});

test('idx: malformed bytes fail with the byte offset and what was expected', () => {
  const good = encodeIdx({ dtype: 'uint8', shape: [2, 2], data: Uint8Array.from([1, 2, 3, 4]) });
  const bad = (mutate: (b: Uint8Array) => Uint8Array, pattern: RegExp) =>
    assert.throws(() => parseIdx(mutate(Uint8Array.from(good)), 'x.idx'), (e: unknown) => e instanceof IdxError && pattern.test(e.message), pattern.source);
  bad((b) => { b[0] = 0x1f; return b; }, /^x\.idx: byte 0: bad magic number 0x1f 0x00 0x08 0x02/);
  bad((b) => { b[2] = 0x0a; return b; }, /^x\.idx: byte 2: unknown IDX type code 0x0a/);
  bad((b) => b.subarray(0, 3), /^x\.idx: byte 3: truncated header: file has 3 bytes/);
  bad((b) => b.subarray(0, 9), /^x\.idx: byte 9: truncated header: expected 2 dimension sizes ending at byte 12/);
  bad((b) => b.subarray(0, 14), /^x\.idx: byte 14: truncated data: shape \[2, 2\] of uint8 needs 16 bytes/);
  bad((b) => Uint8Array.from([...b, 9]), /^x\.idx: byte 16: 1 unexpected trailing bytes/);
});

test('idx: readIdxFile reads plain and gzipped files and names the file on corrupt gzip', () => {
  const arr: IdxArray = { dtype: 'int32', shape: [3], data: Int32Array.from([7, -8, 9]) };
  const plain = join(tmp, 'a-idx1');
  const gz = join(tmp, 'a-idx1.gz');
  writeFileSync(plain, encodeIdx(arr));
  const zipped = gzipSync(encodeIdx(arr));
  writeFileSync(gz, zipped);
  assert.deepEqual([...readIdxFile(plain).data], [7, -8, 9]);
  assert.deepEqual([...readIdxFile(gz).data], [7, -8, 9]);
  const cut = join(tmp, 'cut.gz');
  writeFileSync(cut, zipped.subarray(0, zipped.length - 6));
  assert.throws(() => readIdxFile(cut), new RegExp(`${cut}: gzip data is corrupt or truncated`));
  assert.throws(() => readIdxFile(join(tmp, 'missing')), /cannot read IDX file/);
});

const haveFashion = existsSync(join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz'));
test('idx: Fashion-MNIST test split agrees with an independent numpy parse', { skip: !haveFashion && 'Fashion-MNIST not installed' }, () => {
  const ds = loadFashionMnist({ split: 'test' });
  assert.equal(ds.count, 10000);
  assert.deepEqual(ds.itemShape, [28, 28, 1]);
  assert.equal(ds.numClasses, 10);
  const py = execFileSync('/usr/bin/python3', ['-c', `
import gzip, json, sys, numpy as np
d = sys.argv[1]
img = np.frombuffer(gzip.open(d + '/t10k-images-idx3-ubyte.gz').read(), dtype=np.uint8, offset=16).reshape(-1, 784)
lab = np.frombuffer(gzip.open(d + '/t10k-labels-idx1-ubyte.gz').read(), dtype=np.uint8, offset=8)
print(json.dumps({"rowsums": img[:20].astype(np.int64).sum(1).tolist(), "total": int(img.astype(np.int64).sum()),
  "labels": lab[:50].tolist(), "counts": np.bincount(lab, minlength=10).tolist()}))
`, FASHION_MNIST_DIR], { encoding: 'utf8' });
  const ref = JSON.parse(py) as { rowsums: number[]; total: number; labels: number[]; counts: number[] };
  const toByte = (v: number) => Math.round((v + 1) * 127.5);
  let total = 0;
  for (const v of ds.values) total += toByte(v);
  assert.equal(total, ref.total);
  for (let i = 0; i < 20; i++) {
    let s = 0;
    for (let k = 0; k < 784; k++) s += toByte(ds.values[i * 784 + k]);
    assert.equal(s, ref.rowsums[i]);
  }
  assert.deepEqual([...ds.labels!.subarray(0, 50)], ref.labels);
  const counts = new Array(10).fill(0);
  for (const l of ds.labels!) counts[l]++;
  assert.deepEqual(counts, ref.counts);
  assert.ok(ds.values.every((v) => v >= -1 && v <= 1));
});
