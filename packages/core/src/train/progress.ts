// Progress on stderr: a redrawn bar on a terminal, plain periodic lines otherwise, nothing in a browser.
import type { StepInfo } from './types.js';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'off';

export interface ProgressReporter {
  step(info: StepInfo): void;
  message(text: string): void;
  done(): void;
}

interface TextSink { write(text: string): unknown; isTTY?: boolean; columns?: number }

function stderrSink(): TextSink | undefined {
  const p = (globalThis as { process?: { stderr?: TextSink } }).process;
  return p?.stderr;
}

export function formatLosses(losses: Record<string, number>): string {
  return Object.entries(losses).map(([k, v]) => `${k} ${Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(4)}`).join('  ');
}

export function createProgress(mode: ProgressMode = 'auto', options: { sink?: TextSink; everySeconds?: number } = {}): ProgressReporter {
  const sink = options.sink ?? stderrSink();
  const resolved = mode === 'auto' ? (sink?.isTTY ? 'bar' : 'lines') : mode;
  if (!sink || resolved === 'off') return { step() {}, message() {}, done() {} };
  const every = (options.everySeconds ?? (resolved === 'bar' ? 0.1 : 5)) * 1000;
  let last = -Infinity;
  let drawn = false;
  const line = (info: StepInfo): string =>
    `step ${info.step}/${info.totalSteps}  ${info.stepsPerSecond.toFixed(2)} steps/s  ${formatLosses(info.losses)}`;
  return {
    step(info) {
      const now = Date.now();
      const final = info.step === info.totalSteps;
      if (now - last < every && !final) return;
      last = now;
      if (resolved === 'bar') {
        const width = 24;
        const filled = Math.round((width * info.step) / Math.max(1, info.totalSteps));
        const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `;
        const text = (bar + line(info)).slice(0, Math.max(40, (sink.columns ?? 120) - 1));
        sink.write(`\r\x1b[2K${text}`);
        drawn = true;
      } else {
        sink.write(`${line(info)}\n`);
      }
    },
    message(text) {
      if (drawn) { sink.write('\n'); drawn = false; }
      sink.write(`${text}\n`);
    },
    done() {
      if (drawn) { sink.write('\n'); drawn = false; }
    },
  };
}
