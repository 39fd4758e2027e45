// gantry studio: starts the local web studio on the runs directory.
import { resolve } from 'node:path';
import { command, integerFlag, parseFlags, stringFlag } from '../args.js';

const usage = `usage: gantry studio [--runs runs] [--port 8765] [--host 127.0.0.1] [--no-build]

Serves the run browser (live loss and metric curves, sample grids, configs, sampling from the newest
checkpoint) and the in-browser 2D playground. Prints a URL with a random access token; open it in a
browser (the token is then kept in a cookie). Stop with Ctrl-C.

options:
  --runs <dir>    directory holding run directories (default ./runs)
  --port <p>      port (default 8765; 0 picks a free one)
  --host <h>      interface to bind (default 127.0.0.1; anything else exposes the studio to the network)

examples:
  gantry studio
  gantry studio --runs /data/gan-runs --port 9000`;

async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, { runs: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, 0);
  const port = integerFlag(values.port, 'port', 0) ?? 8765;
  const runsDir = resolve(stringFlag(values.runs, 'runs') ?? 'runs');
  const host = stringFlag(values.host, 'host') ?? '127.0.0.1';
  const { startStudio } = await import('@gantry/studio');
  const studio = await startStudio({ runsDir, port, host });
  console.log(`gantry studio: serving ${runsDir}\n  ${studio.url}`);
  await new Promise<void>((done) => {
    const stop = () => { void studio.close().then(done); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export const studioCommand = command('studio', 'web studio: run browser and 2D playground', usage, run);
