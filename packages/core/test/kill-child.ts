// Runs a training child process until it has reported a checkpoint at or after `killAt` on stdout
// ("checkpoint N"), then SIGKILLs it: a crash at a moment the test chooses (not a test file itself).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function killChildAfter(script: URL, args: string[], killAt: number): Promise<number> {
  const child = spawn(process.execPath, ['--conditions=gantry-source', '--import', 'tsx', fileURLToPath(script), ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let last = 0;
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const m of out.matchAll(/checkpoint (\d+)/g)) last = Math.max(last, Number(m[1]));
      if (last >= killAt && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(last) : reject(new Error(`child ended with ${code ?? signal} before it was killed:\n${out}`))));
  });
}
