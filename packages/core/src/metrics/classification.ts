// Classification scores from true and predicted labels (0-based class indices), as scikit-learn's
// accuracy_score, confusion_matrix and f1_score(average='macro') compute them.

function checkPair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, what: string): void {
  if (yTrue.length !== yPred.length) throw new Error(`${what}: ${yTrue.length} true labels but ${yPred.length} predictions`);
  if (yTrue.length === 0) throw new Error(`${what}: no labels`);
}

/** Fraction of rows whose predicted label equals the true one. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred, 'accuracy');
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return hit / yTrue.length;
}

/** counts[t * k + p] = rows with true class t predicted as p. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses?: number): { k: number; counts: Int32Array } {
  checkPair(yTrue, yPred, 'confusionMatrix');
  let k = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < yTrue.length; i++) k = Math.max(k, yTrue[i] + 1, yPred[i] + 1);
  const counts = new Int32Array(k * k);
  for (let i = 0; i < yTrue.length; i++) {
    const [t, p] = [yTrue[i], yPred[i]];
    if (!Number.isInteger(t) || !Number.isInteger(p) || t < 0 || p < 0 || t >= k || p >= k) {
      throw new Error(`confusionMatrix: row ${i + 1} has labels (${t}, ${p}) outside [0, ${k})`);
    }
    counts[t * k + p]++;
  }
  return { k, counts };
}

/**
 * Unweighted mean over classes of F1 = 2 TP / (2 TP + FP + FN). Classes that occur in neither the true
 * nor the predicted labels are left out (as scikit-learn does when `labels` is not given); a class that
 * occurs in only one of them scores 0.
 */
export function macroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses?: number): number {
  const { k, counts } = confusionMatrix(yTrue, yPred, numClasses);
  let sum = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    let tp = 0;
    let rowSum = 0;
    let colSum = 0;
    for (let j = 0; j < k; j++) {
      rowSum += counts[c * k + j];
      colSum += counts[j * k + c];
    }
    tp = counts[c * k + c];
    if (rowSum === 0 && colSum === 0) continue;
    present++;
    sum += (2 * tp) / (rowSum + colSum);
  }
  return sum / present;
}
