// Ranking quality of a score: the area under the ROC curve.

/**
 * Area under the ROC curve of scores where label 1 = positive (anomaly): the probability that a random
 * positive scores above a random negative, ties counting one half (Mann-Whitney U / (n_pos n_neg)).
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (scores.length !== labels.length) throw new Error(`rocAuc: ${scores.length} scores for ${labels.length} labels`);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  let pos = 0;
  for (let start = 0; start < idx.length;) {
    let end = start;
    while (end + 1 < idx.length && scores[idx[end + 1]] === scores[idx[start]]) end++;
    const avgRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) if (labels[idx[k]] === 1) { rankSumPos += avgRank; pos++; }
    start = end + 1;
  }
  const neg = scores.length - pos;
  if (pos === 0 || neg === 0) throw new Error(`rocAuc needs both classes, got ${pos} positives and ${neg} negatives`);
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
