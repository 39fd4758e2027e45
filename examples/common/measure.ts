// What every measuring example shares: the process's CPU clock (the docs state CPU minutes, not wall time, since
// jobs share 2 cores) and the "mean ± sample sd" cell of the docs' tables.

/** CPU seconds (user + system, all threads) this process has used so far. */
export const cpuSeconds = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

/** "mean ± sample std"; one value alone has no spread to show. */
export function meanStd(xs: number[], digits = 4): string {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length === 1) return m.toFixed(digits);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
  return `${m.toFixed(digits)} ± ${sd.toFixed(digits)}`;
}
