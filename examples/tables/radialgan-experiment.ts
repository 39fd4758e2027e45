// Does RadialGAN help a small dataset borrow from bigger ones that measure different columns?
//
// letter.csv is cut into three domains that keep overlapping but different column subsets and over-represent
// different classes; the target domain A gets only a few hundred training rows. A's classifier is trained on
//   own        A's rows only,
//   + impute   A's rows plus B's and C's rows, the A columns they lack filled with A's column means,
//   + radial   A's rows plus B's and C's rows translated into A's columns by RadialGAN (trained on A, B, C),
//   + fill     as + radial, but the columns a source row does measure keep their real values; RadialGAN only
//              supplies the ones it lacks (not in the paper: it separates what the GAN adds from what it loses),
// and tested on held-out A rows. Repeated over seeds (split, GAN and classifier all seeded).
//
//   GANTRY_TORCH_THREADS=1 nice -n 10 node --conditions=gantry-source --import tsx examples/tables/radialgan-experiment.ts --seeds 5
//   node --conditions=gantry-source --import tsx examples/tables/radialgan-experiment.ts --report   # rewrites the results in docs/radialgan.md
//   (--dataset spam for the spam split; --split few-shared for domains that share 3 of the target's 8 columns;
//   --shared-weight 0 --scaling minmax for the first version's objective; docs/radialgan.md gives the exact commands)
//
// Each seed appends one JSON line to runs/tables/radialgan-<dataset>[-<split>].jsonl (or --results FILE).
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  accuracy, createRng, fitClassifier, macroF1, permutation, selectColumns, selectRows, stackLabelledRows, trainRadialGan, translateInto,
  type NumericMatrix, type RadialDomain, type RadialGanOptions,
} from '@gantry/core';
import { readCsvFile } from '@gantry/core/node';
import { meanStd } from '../common/measure.js';
import { repoRoot, runsDir, useFastestBackend, writeDocsSection } from './docs-section.js';

interface DatasetSpec { file: string; label: string; domainColumns: number[][]; fewShared?: number[][] }
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
const datasets: Record<string, DatasetSpec> = {
  // 16 features: A 0-11, B 4-15, C 0-7 + 12-15.
  // few-shared: A 0-7, B 5-15, C 0-2 + 8-15: each source shares 3 of A's 8 columns, and A's 3-4 are A's alone.
  letter: {
    file: 'letter.csv', label: 'lettr', domainColumns: [range(0, 12), range(4, 16), [...range(0, 8), ...range(12, 16)]],
    fewShared: [range(0, 8), range(5, 16), [...range(0, 3), ...range(8, 16)]],
  },
  // 57 features, the same pattern: A 0-39, B 17-56, C 0-22 + 40-56.
  spam: { file: 'spam.csv', label: 'type', domainColumns: [range(0, 40), range(17, 57), [...range(0, 23), ...range(40, 57)]] },
};

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'letter' },
    seeds: { type: 'string', default: '5' },
    'first-seed': { type: 'string', default: '1' },
    'target-rows': { type: 'string', default: '300' },
    'source-rows': { type: 'string', default: '3000' },
    'test-rows': { type: 'string', default: '2000' },
    steps: { type: 'string', default: '1000' },
    'classifier-steps': { type: 'string', default: '1500' },
    split: { type: 'string', default: 'default' },
    'shared-weight': { type: 'string', default: '10' },
    scaling: { type: 'string', default: 'standard' },
    'critic-steps': { type: 'string', default: '1' },
    results: { type: 'string' },
    report: { type: 'boolean', default: false },
  },
});

interface Loaded { x: NumericMatrix; y: Int32Array; numClasses: number }

function load(spec: DatasetSpec): Loaded {
  const table = readCsvFile(join(repoRoot, '..', 'shared', 'datasets', spec.file));
  const labelCol = table.columns.find((c) => c.name === spec.label);
  if (!labelCol) throw new Error(`${spec.file}: no label column ${spec.label}`);
  const keep = table.columns.filter((c) => c !== labelCol);
  const values = new Float64Array(table.numRows * keep.length);
  const y = new Int32Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    keep.forEach((c, k) => { values[i * keep.length + k] = table.matrix[i * table.numColumns + c.index]; });
    y[i] = table.matrix[i * table.numColumns + labelCol.index];
  }
  const numClasses = labelCol.categories ? labelCol.categories.length : Math.max(...y) + 1;
  return { x: { rows: table.numRows, cols: keep.length, values, names: keep.map((c) => c.name) }, y, numClasses };
}

/**
 * Rows go to domain d with probability proportional to 3 when class % 3 === d, else 1: each domain
 * over-represents a third of the classes. Then the target's rows are split into a small training set and a
 * test set, and the sources are capped.
 */
function splitDomains(data: Loaded, spec: DatasetSpec, seed: number) {
  const rng = createRng(seed);
  const K = spec.domainColumns.length;
  const pools: number[][] = spec.domainColumns.map(() => []);
  for (const i of permutation(rng, data.x.rows)) {
    const w = Array.from({ length: K }, (_, d) => (data.y[i] % K === d ? 3 : 1));
    let u = rng.next() * w.reduce((a, b) => a + b, 0);
    let d = 0;
    while (u >= w[d]) { u -= w[d]; d++; }
    pools[d].push(i);
  }
  const targetRows = Number(args['target-rows']);
  const testRows = Number(args['test-rows']);
  const sourceRows = Number(args['source-rows']);
  const part = (rows: number[], cols: number[]) => {
    const full = selectRows(data.x, rows);
    return { x: selectColumns(full, cols), labels: Int32Array.from(rows, (i) => data.y[i]), full };
  };
  const cols = spec.domainColumns;
  return {
    train: [part(pools[0].slice(0, targetRows), cols[0]), ...pools.slice(1).map((p, j) => part(p.slice(0, sourceRows), cols[j + 1]))],
    test: part(pools[0].slice(targetRows, targetRows + testRows), cols[0]),
  };
}

/**
 * Source rows in the target's columns: the columns the source measures are copied, the others come from
 * `fill(i, j)` (row i, target column j).
 */
function intoTargetColumns(source: RadialDomain, sourceCols: number[], targetCols: number[], fill: (i: number, j: number) => number): NumericMatrix {
  const values = new Float64Array(source.x.rows * targetCols.length);
  targetCols.forEach((col, j) => {
    const s = sourceCols.indexOf(col);
    for (let i = 0; i < source.x.rows; i++) values[i * targetCols.length + j] = s >= 0 ? source.x.values[i * source.x.cols + s] : fill(i, j);
  });
  return { rows: source.x.rows, cols: targetCols.length, values };
}

function columnMeans(m: NumericMatrix): Float64Array {
  const means = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) means[j] += m.values[i * m.cols + j] / m.rows;
  return means;
}


interface Scores { accuracy: number; macroF1: number; rows: number }
/**
 * How close RadialGAN's translations of the source rows come to the true values (letter rows have all
 * columns, so the truth is known), as RMSE in units of each target column's std on the target's training
 * rows: on the columns a source shares with the target, and on the ones it lacks (beside filling those
 * with the target's column means).
 */
interface TranslationError { sharedRmse: number; missingRmse: number; meanFillMissingRmse: number }

function translationError(
  sources: { full: NumericMatrix }[], translated: NumericMatrix[], sourceCols: number[][], targetCols: number[], target: NumericMatrix,
): TranslationError {
  const means = columnMeans(target);
  const std = targetCols.map((_, c) => {
    let v = 0;
    for (let i = 0; i < target.rows; i++) v += (target.values[i * target.cols + c] - means[c]) ** 2;
    return Math.sqrt(v / target.rows) || 1;
  });
  const acc = { shared: [0, 0], missing: [0, 0], mean: [0, 0] };
  sources.forEach((src, j) => {
    const t = translated[j];
    for (let i = 0; i < t.rows; i++) {
      targetCols.forEach((col, c) => {
        const truth = src.full.values[i * src.full.cols + col];
        const e = ((t.values[i * t.cols + c] - truth) / std[c]) ** 2;
        if (sourceCols[j].includes(col)) {
          acc.shared[0] += e; acc.shared[1]++;
        } else {
          acc.missing[0] += e; acc.missing[1]++;
          acc.mean[0] += ((means[c] - truth) / std[c]) ** 2; acc.mean[1]++;
        }
      });
    }
  });
  const rmse = ([s, n]: number[]) => Math.sqrt(s / n);
  return { sharedRmse: rmse(acc.shared), missingRmse: rmse(acc.missing), meanFillMissingRmse: rmse(acc.mean) };
}

/** The GAN options a run used; lines written before these were options used minmax scaling and no shared term. */
type GanOptions = Pick<RadialGanOptions, 'scaling' | 'sharedWeight' | 'criticSteps'>;

interface SeedResult {
  dataset: string; split?: string; gan?: GanOptions; seed: number; backend: string; targetRows: number; sourceRows: number[]; testRows: number;
  ganSteps: number; ganSeconds: number; classifierSteps: number;
  own: Scores; meanImputed: Scores; radial: Scores; radialFill: Scores; translationError: TranslationError;
  /** The same three augmented sets with the target's own rows repeated to half of the rows (absent in older lines). */
  balanced?: { meanImputed: Scores; radial: Scores; radialFill: Scores };
}

type Labelled = { x: NumericMatrix; labels: ArrayLike<number> };

/**
 * An augmented set (the target's own rows first) with the own rows repeated until they are about half of it:
 * with a fixed number of classifier steps, 6,000 source rows otherwise leave the target's 300 rows a twentieth
 * of what the classifier sees.
 */
function ownRowsHalf(set: Labelled, ownRows: number): Labelled {
  const own = { x: selectRows(set.x, range(0, ownRows)), labels: Array.from(set.labels).slice(0, ownRows) };
  const rest = { x: selectRows(set.x, range(ownRows, set.x.rows)), labels: Array.from(set.labels).slice(ownRows) };
  const copies = Math.max(1, Math.round(rest.x.rows / ownRows));
  return stackLabelledRows([...Array.from({ length: copies }, () => own), rest]);
}

function evaluate(train: { x: NumericMatrix; labels: ArrayLike<number> }, test: { x: NumericMatrix; labels: Int32Array }, numClasses: number, seed: number): Scores {
  const batchSize = 64;
  // The same number of optimiser steps for every training set, so a bigger set is not also a longer run.
  const epochs = Math.max(1, Math.round(Number(args['classifier-steps']) / Math.max(1, Math.floor(train.x.rows / batchSize))));
  const clf = fitClassifier(train.x, train.labels, { seed, hidden: 64, epochs, batchSize, learningRate: 3e-3, numClasses });
  const pred = clf.predict(test.x);
  clf.dispose();
  return { accuracy: accuracy(test.labels, pred), macroF1: macroF1(test.labels, pred, numClasses), rows: train.x.rows };
}

async function runSeed(name: string, spec: DatasetSpec, data: Loaded, seed: number, backend: string, ganOptions: GanOptions): Promise<SeedResult> {
  const { train, test } = splitDomains(data, spec, seed);
  const numClasses = data.numClasses;
  const own = evaluate(train[0], test, numClasses, 100 + seed);
  const cols = spec.domainColumns;
  const means = columnMeans(train[0].x);
  const imputed = stackLabelledRows([train[0], ...train.slice(1).map((d, j) => ({
    x: intoTargetColumns(d, cols[j + 1], cols[0], (_, c) => means[c]), labels: d.labels,
  }))]);
  const meanImputed = evaluate(imputed, test, numClasses, 100 + seed);
  const steps = Number(args.steps);
  const t = performance.now();
  const gan = await trainRadialGan(train, {
    ...ganOptions, seed, steps, numClasses, progressEvery: Math.max(1, Math.round(steps / 4)),
    onProgress: (p) => console.error(`  seed ${seed} step ${p.step}: critic ${p.criticLoss.toFixed(3)} adv ${p.adversarialLoss.toFixed(3)} cycle ${p.cycleLoss.toFixed(4)} recon ${p.reconstructionLoss.toFixed(4)} shared ${p.sharedLoss.toFixed(4)}`),
  });
  const ganSeconds = (performance.now() - t) / 1000;
  const translated = translateInto(gan, train, 0);
  const perSource = train.slice(1).map((d, j) => gan.translate(j + 1, d.x, d.labels, 0));
  const filled = stackLabelledRows([train[0], ...train.slice(1).map((d, j) => {
    const t = perSource[j];
    return { x: intoTargetColumns(d, cols[j + 1], cols[0], (i, c) => t.values[i * t.cols + c]), labels: d.labels };
  })]);
  const errors = translationError(train.slice(1), perSource, cols.slice(1), cols[0], train[0].x);
  gan.dispose();
  const translatedSet = stackLabelledRows([train[0], translated]);
  const radial = evaluate(translatedSet, test, numClasses, 100 + seed);
  const radialFill = evaluate(filled, test, numClasses, 100 + seed);
  const ownRows = train[0].x.rows;
  const balanced = {
    meanImputed: evaluate(ownRowsHalf(imputed, ownRows), test, numClasses, 100 + seed),
    radial: evaluate(ownRowsHalf(translatedSet, ownRows), test, numClasses, 100 + seed),
    radialFill: evaluate(ownRowsHalf(filled, ownRows), test, numClasses, 100 + seed),
  };
  return {
    dataset: name, split: args.split, gan: ganOptions, seed, backend, targetRows: train[0].x.rows, sourceRows: train.slice(1).map((d) => d.x.rows), testRows: test.x.rows,
    ganSteps: steps, ganSeconds, classifierSteps: Number(args['classifier-steps']), own, meanImputed, radial, radialFill,
    translationError: errors, balanced,
  };
}

function errors3(r: SeedResult): string {
  const e = r.translationError;
  return `${e.sharedRmse.toFixed(3)} missing ${e.missingRmse.toFixed(3)} (mean fill ${e.meanFillMissingRmse.toFixed(3)})`;
}

function report(name: string, path: string): string {
  if (!existsSync(path)) throw new Error(`${path}: no results yet; run the experiment first`);
  const all = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SeedResult);
  // The latest run per seed.
  const bySeed = new Map<number, SeedResult>();
  for (const r of all) bySeed.set(r.seed, r);
  const rs = [...bySeed.values()].sort((a, b) => a.seed - b.seed);
  const r0 = rs[0];
  const gan = (r: SeedResult) => r.gan
    ? `${r.gan.scaling} scaling, shared-column weight ${r.gan.sharedWeight}, ${r.gan.criticSteps} critic step${r.gan.criticSteps === 1 ? '' : 's'}`
    : 'minmax scaling, no shared-column term, 1 critic step';
  if (rs.some((r) => gan(r) !== gan(r0) || r.ganSteps !== r0.ganSteps)) throw new Error(`${path}: the latest lines per seed mix GAN settings; rerun them alike`);
  const row = (label: string, pick: (r: SeedResult) => Scores) =>
    `| ${label} | ${pick(r0).rows} | ${meanStd(rs.map((r) => pick(r).accuracy))} | ${meanStd(rs.map((r) => pick(r).macroF1))} |`;
  const repeated = `own rows x${Math.round((r0.radial.rows - r0.targetRows) / r0.targetRows)}`;
  const gain = (pick: (r: SeedResult) => Scores) => meanStd(rs.map((r) => pick(r).accuracy - r.own.accuracy));
  return [
    `${name}: ${rs.length} seeds (${rs.map((r) => r.seed).join(', ')}), target ${r0.targetRows} training rows, sources ${r0.sourceRows.join(' + ')} rows, ` +
      `${r0.testRows} held-out target rows; RadialGAN ${r0.ganSteps} steps, ${gan(r0)} (${meanStd(rs.map((r) => r.ganSeconds), 0)} s each on ${r0.backend}), ` +
      `classifier ${r0.classifierSteps} Adam steps.`,
    '',
    '| target training set | rows | accuracy (mean ± std) | macro F1 |',
    '|---|---|---|---|',
    row('own rows only', (r) => r.own),
    row('own + sources, missing columns mean-imputed', (r) => r.meanImputed),
    row('own + sources translated by RadialGAN', (r) => r.radial),
    row('own + sources, missing columns from RadialGAN', (r) => r.radialFill),
    ...(rs.every((r) => r.balanced) ? [
      row(`${repeated} + sources, missing columns mean-imputed`, (r) => r.balanced!.meanImputed),
      row(`${repeated} + sources translated by RadialGAN`, (r) => r.balanced!.radial),
      row(`${repeated} + sources, missing columns from RadialGAN`, (r) => r.balanced!.radialFill),
    ] : []),
    '',
    `Accuracy change against own rows only (per seed, then mean ± std): mean-imputed ${gain((r) => r.meanImputed)}, ` +
      `RadialGAN-translated ${gain((r) => r.radial)}, RadialGAN-filled ${gain((r) => r.radialFill)}` +
      (rs.every((r) => r.balanced)
        ? `; with the own rows repeated: mean-imputed ${gain((r) => r.balanced!.meanImputed)}, RadialGAN-translated ${gain((r) => r.balanced!.radial)}, ` +
          `RadialGAN-filled ${gain((r) => r.balanced!.radialFill)}.`
        : '.'),
    '',
    'Translation error of the source rows against their true values (RMSE in target-column stds, mean ± std over seeds): ' +
      `columns the source shares with the target ${meanStd(rs.map((r) => r.translationError.sharedRmse), 3)}; ` +
      `columns it lacks ${meanStd(rs.map((r) => r.translationError.missingRmse), 3)} (filling them with the target's column means: ` +
      `${meanStd(rs.map((r) => r.translationError.meanFillMissingRmse), 3)}).`,
  ].join('\n');
}

const dataset = args.dataset!;
const base = datasets[dataset];
if (!base) throw new Error(`--dataset: unknown dataset ${JSON.stringify(dataset)} (have ${Object.keys(datasets).join(', ')})`);
const splits: Record<string, number[][] | undefined> = { default: base.domainColumns, 'few-shared': base.fewShared };
const columns = splits[args.split!];
if (!columns) throw new Error(`--split: ${JSON.stringify(args.split)} is not a split of ${dataset} (have ${Object.keys(splits).filter((k) => splits[k]).join(', ')})`);
const spec = { ...base, domainColumns: columns };
// The default split keeps its old name (and results file); others are named after the split.
const name = args.split === 'default' ? dataset : `${dataset}-${args.split}`;
const resultsPath = args.results ?? join(runsDir, `radialgan-${name}.jsonl`);
if (args.report) {
  const body = report(name, resultsPath);
  // The docs block is named after the results file: radialgan-letter-few-shared.jsonl -> results-letter-few-shared.
  writeDocsSection(`results-${basename(resultsPath, '.jsonl').replace(/^radialgan-/, '')}`, body, 'radialgan.md');
  console.log(body);
} else {
  const scaling = args.scaling as RadialGanOptions['scaling'];
  const ganOptions: GanOptions = { scaling, sharedWeight: Number(args['shared-weight']), criticSteps: Number(args['critic-steps']) };
  const backend = await useFastestBackend();
  const data = load(spec);
  mkdirSync(dirname(resultsPath), { recursive: true });
  const first = Number(args['first-seed']);
  for (let seed = first; seed < first + Number(args.seeds); seed++) {
    const r = await runSeed(dataset, spec, data, seed, backend, ganOptions);
    appendFileSync(resultsPath, JSON.stringify(r) + '\n');
    console.log(`seed ${seed}: own ${r.own.accuracy.toFixed(4)}  +imputed ${r.meanImputed.accuracy.toFixed(4)}  +radial ${r.radial.accuracy.toFixed(4)}  +fill ${r.radialFill.accuracy.toFixed(4)}  ` +
      `own-repeated: +imputed ${r.balanced!.meanImputed.accuracy.toFixed(4)} +radial ${r.balanced!.radial.accuracy.toFixed(4)} +fill ${r.balanced!.radialFill.accuracy.toFixed(4)}  translation RMSE shared ${errors3(r)}  (GAN ${r.ganSeconds.toFixed(0)} s)`);
  }
  console.log(report(name, resultsPath));
}
