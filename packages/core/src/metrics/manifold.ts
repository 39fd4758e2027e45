// k-NN manifold metrics on feature sets.
//  - Precision and recall, Kynkaanniemi et al. 2019 (k = 3): a sample lies in a set's manifold when it is
//    within some member's k-th-neighbour radius (<=, as in the paper's code).
//  - Density and coverage, Naeem et al. 2020 (k = 5): density counts real balls containing each fake
//    sample, divided by k; coverage is the share of real samples whose ball holds a fake sample (strict <,
//    as in the authors' prdc code).
import { checkFinite, checkSameWidth, toFeatures, type FeatureInput, type FeatureMatrix } from './features.js';
import { forEachDistanceRow, kthNeighbourRadii } from './knn.js';

function prepare(real: FeatureInput, fake: FeatureInput, what: string): [FeatureMatrix, FeatureMatrix] {
  const r = toFeatures(real, `${what} real`);
  const f = toFeatures(fake, `${what} fake`);
  checkSameWidth(r, f, what);
  checkFinite(r, `${what} real`);
  checkFinite(f, `${what} fake`);
  return [r, f];
}

export function precisionRecall(real: FeatureInput, fake: FeatureInput, k = 3): { precision: number; recall: number } {
  const [r, f] = prepare(real, fake, 'precisionRecall');
  const realRadii = kthNeighbourRadii(r, k);
  const fakeRadii = kthNeighbourRadii(f, k);
  let precise = 0;
  forEachDistanceRow(f, r, (_, dist) => {
    for (let i = 0; i < dist.length; i++) if (dist[i] <= realRadii[i]) { precise++; return; }
  });
  let recalled = 0;
  forEachDistanceRow(r, f, (_, dist) => {
    for (let j = 0; j < dist.length; j++) if (dist[j] <= fakeRadii[j]) { recalled++; return; }
  });
  return { precision: precise / f.rows, recall: recalled / r.rows };
}

export function densityCoverage(real: FeatureInput, fake: FeatureInput, k = 5): { density: number; coverage: number } {
  const [r, f] = prepare(real, fake, 'densityCoverage');
  const radii = kthNeighbourRadii(r, k);
  let inside = 0;
  forEachDistanceRow(f, r, (_, dist) => {
    for (let i = 0; i < dist.length; i++) if (dist[i] < radii[i]) inside++;
  });
  let covered = 0;
  forEachDistanceRow(r, f, (i, dist) => {
    let nearest = Infinity;
    for (let j = 0; j < dist.length; j++) if (dist[j] < nearest) nearest = dist[j];
    if (nearest < radii[i]) covered++;
  });
  return { density: inside / (k * f.rows), coverage: covered / r.rows };
}
