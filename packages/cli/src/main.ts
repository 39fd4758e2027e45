// gantry: the command line. Each command lives in commands/<name>.ts and returns its exit code
// (0 ok, 1 runtime failure, 2 usage error).
import { pathToFileURL } from 'node:url';
import type { Command } from './args.js';
import { classifyCommand } from './commands/classify.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { imputeCommand } from './commands/impute.js';
import { infoCommand } from './commands/info.js';
import { sampleCommand } from './commands/sample.js';
import { scoreCommand } from './commands/score.js';
import { studioCommand } from './commands/studio.js';
import { trainCommand } from './commands/train.js';
import { translateCommand } from './commands/translate.js';
import { upscaleCommand } from './commands/upscale.js';
import { speakCommand } from './commands/speak.js';
import { mixCommand } from './commands/mix.js';
import { interpolateCommand } from './commands/interpolate.js';
import { predictCommand } from './commands/predict.js';

/** Commands owned by other helpers that may not exist yet in this checkout. */
const OPTIONAL = ['synth'];

async function commands(): Promise<Command[]> {
  const list: Command[] = [trainCommand, sampleCommand, evalCommand, exportCommand, infoCommand, studioCommand, imputeCommand, scoreCommand, translateCommand, upscaleCommand, classifyCommand, speakCommand, predictCommand, mixCommand, interpolateCommand];
  for (const name of OPTIONAL) {
    const specifier = `./commands/${name}.js`;
    try {
      const mod = (await import(specifier)) as { default?: Command };
      if (mod.default) list.push(mod.default);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    }
  }
  return list;
}

function overview(list: Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return `usage: gantry <command> [options]   (gantry <command> --help for details)

commands:
${list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

examples:
  gantry train --data ring8 --loss wgan-gp --steps 2000 --out runs/ring
  gantry sample runs/ring --n 1000 --out ring.png
  gantry studio --runs runs`;
}

export async function main(argv: string[]): Promise<number> {
  const list = await commands();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview(list));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    console.log('gantry 0.1.0');
    return 0;
  }
  const cmd = list.find((c) => c.name === name);
  if (!cmd) {
    console.error(`gantry: unknown command "${name}" (accepted: ${list.map((c) => c.name).join(', ')})`);
    return 2;
  }
  return cmd.run(rest);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
