// One entry point for every imputer gantry has, and 'auto', which picks among them by how well each fills
// cells whose values it knows: it hides observed cells spread over the rows, fills the table with every
// candidate, and keeps per column the method, or the blend of two, and the rounding that came closest on the
// hidden cells (columns with too few hidden cells share one choice made over all of them). Only then are the
// chosen methods run on the table as given. The real gaps' values are never seen, and column means are a
// candidate, so on the hidden cells auto never does worse than them.
import { trainGain, type GainOptions, type GainRunOptions } from '../gans/gain/trainer.js';
import { trainMisgan, type MisganOptions, type MisganRunOptions } from '../gans/misgan/trainer.js';
import { createRng, permutation } from '../random.js';
import { chainedRegressionImpute, meanImpute } from './baselines.js';
import { knnImpute } from './knn-impute.js';
import { imputationRmse } from './missingness.js';
import { checkMatrix, columnName, requireEveryColumnObserved, type NumericMatrix } from './matrix.js';
import { discreteColumns, fitMinMax, roundColumns } from './scaling.js';

export const IMPUTE_METHODS = ['auto', 'gain', 'misgan', 'mice', 'knn', 'mean'] as const;
export type ImputeMethod = typeof IMPUTE_METHODS[number];
export type BaseImputeMethod = Exclude<ImputeMethod, 'auto'>;
/**
 * What auto tries: every method but MisGAN, which on letter and spam filled no closer than GAIN at two to five
 * times its CPU time (docs/misgan.md).
 */
export const AUTO_CANDIDATES: readonly BaseImputeMethod[] = ['mean', 'knn', 'mice', 'gain'];
/**
 * What auto tries unless told otherwise: GAIN only on request. Among the candidates on letter and spam it was
 * never chosen for a column, at 2.5 to 12 times the time (docs/tables.md), and on a small table it would train
 * once per scoring round.
 */
export const DEFAULT_AUTO_CANDIDATES: readonly BaseImputeMethod[] = ['mean', 'knn', 'mice'];

export interface ImputeOptions {
  seed: number;
  /** Default 'auto'. */
  method?: ImputeMethod;
  /** The methods auto compares (default DEFAULT_AUTO_CANDIDATES; any of AUTO_CANDIDATES). */
  candidates?: readonly BaseImputeMethod[];
  /** Share of each row's columns auto may hide to score the methods (it aims at 200 hidden cells per column, at least this share of the rows). Default 0.1. */
  holdout?: number;
  /**
   * Most rounds of hiding and filling auto runs to reach HIDDEN_PER_COLUMN hidden cells per column on a small
   * table (each runs every candidate once more: with GAIN among them, GAIN trains once per round). Default 8.
   */
  maxScoringRounds?: number;
  /** Columns whose fills may be rounded to integers: every method but auto rounds them, auto decides per column. Default discreteColumns(). */
  roundColumns?: readonly boolean[];
  /** GAIN's settings (its seed is the imputation's). */
  gain?: Omit<GainOptions, 'seed' | 'roundColumns'>;
  gainRun?: GainRunOptions;
  /** MisGAN's settings (its seed is the imputation's), and how many of its completions to average (default 1). */
  misgan?: Omit<MisganOptions, 'seed' | 'roundColumns'> & { draws?: number };
  misganRun?: MisganRunOptions;
  /** Neighbours of the knn method. Default 5; auto, when none is given, picks among KNN_NEIGHBOURS on the hidden cells. */
  k?: number;
  /** Told when a method starts: auto's scoring run (on the table with cells hidden) or the final one. */
  onMethod?: (method: BaseImputeMethod, phase: 'scoring' | 'final') => void;
}

/** How auto fills one column: w * first + (1 - w) * second (w = 1: first alone), then maybe rounded. */
export interface ColumnChoice {
  column: string;
  first: BaseImputeMethod;
  second: BaseImputeMethod;
  weight: number;
  rounded: boolean;
  /** RMSE on the column's hidden cells, in units of the column's observed range. */
  rmse: number;
  /** Chosen on this column's hidden cells, or (too few of them) the choice made over all columns. */
  basis: 'column' | 'all columns';
}

export interface AutoReport {
  /** Hidden cells over all scoring rounds. */
  hiddenCells: number;
  /** How many times auto hid cells and ran every candidate (more than one only on small tables). */
  scoringRounds: number;
  /** Each candidate's RMSE over all hidden cells (min-max units, unrounded). */
  scores: Partial<Record<BaseImputeMethod, number>>;
  /** The neighbour count knn used (auto's pick when ImputeOptions.k was not given). */
  knnNeighbours?: number;
  columns: ColumnChoice[];
}

export interface ImputeResult { data: NumericMatrix; report?: AutoReport }

/** Below this many hidden cells a column takes the choice made over all columns. */
const MIN_HIDDEN_PER_COLUMN = 50;
/** Hidden cells auto aims at per column, where rows allow: enough to tell blends 0.1 apart. */
const HIDDEN_PER_COLUMN = 200;
/** Default of ImputeOptions.maxScoringRounds. */
const MAX_SCORING_ROUNDS = 8;
const WEIGHTS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/**
 * The neighbour counts auto tries for knn when none is given: KNNImputer's 5 is a default, not a best (on
 * letter with 20% gaps, 10 neighbours fill 3% closer than 5).
 */
export const KNN_NEIGHBOURS = [5, 10, 20] as const;

export async function impute(m: NumericMatrix, options: ImputeOptions): Promise<ImputeResult> {
  checkMatrix(m, 'impute');
  requireEveryColumnObserved(m, 'impute');
  const method = options.method ?? 'auto';
  if (!IMPUTE_METHODS.includes(method)) throw new Error(`impute: method must be one of ${IMPUTE_METHODS.join(', ')}, got ${JSON.stringify(method)}`);
  const roundable = [...(options.roundColumns ?? discreteColumns(m))];
  if (roundable.length !== m.cols) throw new Error(`impute: roundColumns has ${roundable.length} entries for ${m.cols} columns`);
  if (method !== 'auto') {
    options.onMethod?.(method, 'final');
    return { data: roundColumns(await fillWith(method, m, options), roundable) };
  }
  const candidates = [...new Set(options.candidates ?? DEFAULT_AUTO_CANDIDATES)];
  if (candidates.length === 0 || candidates.some((c) => !AUTO_CANDIDATES.includes(c))) {
    throw new Error(`impute: auto's candidates must be some of ${AUTO_CANDIDATES.join(', ')}, got ${JSON.stringify(options.candidates)}`);
  }
  const holdout = options.holdout ?? 0.1;
  if (!(holdout > 0 && holdout < 1)) throw new Error(`impute: holdout must lie in (0, 1), got ${holdout}`);

  const maxRounds = options.maxScoringRounds ?? MAX_SCORING_ROUNDS;
  if (!(Number.isInteger(maxRounds) && maxRounds >= 1)) throw new Error(`impute: maxScoringRounds must be a whole number of at least 1, got ${maxRounds}`);
  const rounds = scoringRounds(m, holdout, options.seed, maxRounds);
  const fills: Partial<Record<BaseImputeMethod, Float64Array>>[] = rounds.map(() => ({}));
  let k = options.k;
  for (const c of candidates) {
    options.onMethod?.(c, 'scoring');
    if (c === 'knn' && k === undefined) {
      const byCount = KNN_NEIGHBOURS.map((n) => rounds.map((r) => knnImpute(r.data, { k: n })));
      const best = bestIndex(byCount.map((perRound) => perRound.reduce((sum, f, r) => sum + imputationRmse(m, f, rounds[r].removed), 0)));
      k = KNN_NEIGHBOURS[best];
      byCount[best].forEach((f, r) => { fills[r].knn = f.values as Float64Array; });
    } else {
      for (const [r, round] of rounds.entries()) fills[r][c] = (await fillWith(c, round.data, { ...options, k })).values as Float64Array;
    }
  }
  const report: AutoReport = {
    ...chooseFills(m, rounds.map((r, i) => ({ hidden: r.removed, fills: fills[i] })), roundable),
    ...(k === undefined ? {} : { knnNeighbours: k }),
  };
  const needed = [...new Set(report.columns.flatMap((c) => [c.first, c.second]))];
  const final: Partial<Record<BaseImputeMethod, ArrayLike<number>>> = {};
  for (const c of needed) {
    options.onMethod?.(c, 'final');
    final[c] = (await fillWith(c, m, { ...options, k })).values;
  }
  const values = Float64Array.from(m.values);
  for (let t = 0; t < values.length; t++) {
    if (!Number.isNaN(values[t])) continue;
    const choice = report.columns[t % m.cols];
    const v = choice.weight * final[choice.first]![t] + (1 - choice.weight) * final[choice.second]![t];
    values[t] = choice.rounded ? Math.round(v) : v;
  }
  return { data: { ...m, values }, report };
}

/** A method's fill, unrounded. */
async function fillWith(method: BaseImputeMethod, m: NumericMatrix, o: ImputeOptions): Promise<NumericMatrix> {
  const none = new Array<boolean>(m.cols).fill(false);
  switch (method) {
    case 'mean': return meanImpute(m);
    case 'knn': return knnImpute(m, { k: o.k });
    case 'mice': return chainedRegressionImpute(m, { roundColumns: none });
    case 'gain': return fillAndRelease(await trainGain(m, { ...o.gain, seed: o.seed, roundColumns: none }, o.gainRun), m);
    case 'misgan': {
      const { draws, ...settings } = o.misgan ?? {};
      return fillAndRelease(await trainMisgan(m, { ...settings, seed: o.seed, roundColumns: none }, o.misganRun), m, { draws });
    }
  }
}

/** A trained imputer's fill of m; the imputer is released. */
function fillAndRelease<O>(imputer: { impute(m: NumericMatrix, options?: O): NumericMatrix; dispose(): void }, m: NumericMatrix, options?: O): NumericMatrix {
  try {
    return imputer.impute(m, options);
  } finally {
    imputer.dispose();
  }
}

/**
 * The tables auto scores the methods on. One is enough where it hides HIDDEN_PER_COLUMN cells per column; a
 * small table cannot hide that many at once (300 rows of 57 columns give about 30 per column), so further
 * rounds hide other cells of the same table, up to maxRounds, and the choice weighs all of them: a
 * choice made on a few hundred cells of heavy-tailed columns is mostly noise.
 */
function scoringRounds(m: NumericMatrix, share: number, seed: number, maxRounds: number): { data: NumericMatrix; removed: Uint8Array }[] {
  const first = hideObservedCells(m, share, seed);
  const hidden = first.removed.reduce((a, b) => a + b, 0);
  const count = hidden === 0 ? 1 : Math.min(maxRounds, Math.ceil((HIDDEN_PER_COLUMN * m.cols) / hidden));
  return [first, ...Array.from({ length: count - 1 }, (_, r) => hideObservedCells(m, share, seed + 7919 * (r + 1)))];
}

/**
 * Hides observed cells to score the methods on, one per row in a random order of the rows, and again in further
 * passes until every column can have HIDDEN_PER_COLUMN cells, but never more than a share of any row's columns.
 * Spreading them so keeps a scored row and its neighbours about as complete as the table itself: hiding a share
 * of all cells at random thins the table (20% gaps become 28%), which hurts kNN more than regression, and on
 * letter tilted auto's blends away from its best method. A cell is hidden only where its row keeps another
 * observed cell and its column too.
 */
function hideObservedCells(m: NumericMatrix, share: number, seed: number): { data: NumericMatrix; removed: Uint8Array } {
  const { rows, cols } = m;
  const values = Float64Array.from(m.values);
  const removed = new Uint8Array(values.length);
  const left = new Int32Array(cols);
  for (let t = 0; t < values.length; t++) if (!Number.isNaN(values[t])) left[t % cols]++;
  const wanted = Math.max(Math.ceil(share * rows), HIDDEN_PER_COLUMN * cols);
  const rng = createRng(seed + 0x5eed);
  const order = permutation(rng, rows);
  let hidden = 0;
  for (let pass = 0; pass < Math.ceil(share * cols); pass++) {
    for (const i of order) {
      if (hidden === wanted) return { data: { ...m, values }, removed };
      const observed: number[] = [];
      for (let j = 0; j < cols; j++) if (!Number.isNaN(values[i * cols + j])) observed.push(j);
      const eligible = observed.filter((j) => left[j] > 1);
      if (observed.length < 2 || eligible.length === 0) continue;
      const j = eligible[Math.floor(rng.next() * eligible.length)];
      values[i * cols + j] = NaN;
      removed[i * cols + j] = 1;
      left[j]--;
      hidden++;
    }
  }
  return { data: { ...m, values }, removed };
}

interface Option { first: BaseImputeMethod; second: BaseImputeMethod; weight: number; rounded: boolean }

/** Every option auto weighs: each method alone and each pair blended, rounded or not where a column allows. */
function optionsOf(methods: readonly BaseImputeMethod[]): Option[] {
  const out: Option[] = [];
  for (const rounded of [false, true]) {
    for (const [a, first] of methods.entries()) {
      out.push({ first, second: first, weight: 1, rounded });
      for (const second of methods.slice(a + 1)) for (const weight of WEIGHTS) out.push({ first, second, weight, rounded });
    }
  }
  return out;
}

function chooseFills(m: NumericMatrix, rounds: readonly { hidden: Uint8Array; fills: Partial<Record<BaseImputeMethod, Float64Array>> }[],
  roundable: readonly boolean[]): AutoReport {
  const methods = Object.keys(rounds[0].fills) as BaseImputeMethod[];
  // Unrounded options come first, so that on a column that may not be rounded a rounded option (which then
  // computes the same values) never wins a tie.
  const options = optionsOf(methods);
  const { range } = fitMinMax(m);
  const { cols } = m;
  // Squared errors of every option, per column, in units of the column's observed range, over all rounds.
  const sse = options.map(() => new Float64Array(cols));
  const count = new Int32Array(cols);
  const methodSse = new Float64Array(methods.length);
  for (const { hidden, fills } of rounds) {
    for (let t = 0; t < hidden.length; t++) {
      if (!hidden[t]) continue;
      const j = t % cols;
      const unit = range[j] + 1e-6;
      count[j]++;
      methods.forEach((c, k) => { methodSse[k] += ((fills[c]![t] - m.values[t]) / unit) ** 2; });
      options.forEach((o, k) => {
        let v = o.weight * fills[o.first]![t] + (1 - o.weight) * fills[o.second]![t];
        if (o.rounded && roundable[j]) v = Math.round(v);
        sse[k][j] += ((v - m.values[t]) / unit) ** 2;
      });
    }
  }
  const total = count.reduce((a, b) => a + b, 0);
  if (total === 0) throw new Error('impute: auto has no observed cell to hide (the table is too small or too empty to choose a method)');
  const best = bestIndex(sse.map((perColumn) => perColumn.reduce((a, b) => a + b, 0)));
  const columns = Array.from({ length: cols }, (_, j): ColumnChoice => {
    const own = count[j] >= MIN_HIDDEN_PER_COLUMN;
    const k = own ? bestIndex(sse.map((perColumn) => perColumn[j])) : best;
    const o = options[k];
    return {
      column: columnName(m, j), first: o.first, second: o.second, weight: o.weight, rounded: o.rounded && roundable[j],
      rmse: count[j] > 0 ? Math.sqrt(sse[k][j] / count[j]) : NaN, basis: own ? 'column' : 'all columns',
    };
  });
  const scores: AutoReport['scores'] = {};
  methods.forEach((c, k) => { scores[c] = Math.sqrt(methodSse[k] / total); });
  return { hiddenCells: total, scoringRounds: rounds.length, scores, columns };
}

/** The index of the smallest value; the first on ties (single methods come before their blends). */
function bestIndex(values: readonly number[]): number {
  let best = 0;
  values.forEach((v, k) => { if (v < values[best]) best = k; });
  return best;
}
