// A progressive run's phase (ProGAN) from its metrics: its step lines carry the resolution being trained
// (px) and that resolution's fade-in alpha (0..1; 1 once it is stable). No DOM, so Node tests read it too.
type Rec = Record<string, unknown>;

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** "growing: 16 px, fade-in alpha 0.42", "stable: 16 px", or undefined when the newest step line carries no phase. */
export function growthPhase(records: readonly Rec[]): string | undefined {
  const last = [...records].reverse().find((r) => r.event === undefined && typeof r.step === 'number');
  if (!last || !finite(last.resolution) || !finite(last.alpha)) return undefined;
  return last.alpha >= 1 ? `stable: ${last.resolution} px` : `growing: ${last.resolution} px, fade-in alpha ${last.alpha.toFixed(2)}`;
}
