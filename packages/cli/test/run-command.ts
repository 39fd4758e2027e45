// Runs a gantry command object in this process (starting node + tsx per case costs seconds) and returns its
// exit code with what it wrote to stderr.
import type { Command } from '../src/args.js';

export async function runCommand(command: Command, ...args: string[]): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => { lines.push(a.join(' ')); };
  try {
    return { code: await command.run(args), err: lines.join('\n') };
  } finally {
    console.error = original;
  }
}
