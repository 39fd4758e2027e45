// gantry studio: starts the local web studio on the runs directory.
import { resolve } from 'node:path';
import { command, integerInRangeFlag, parseFlags, stringFlag, UsageError } from '../args.js';

const usage = `usage: gantry studio [--runs runs] [--port 8765] [--host 127.0.0.1] [--allow-host name,...]

Serves the run browser (live loss and metric curves, sample grids, configs, sampling from the newest
checkpoint) and the in-browser 2D playground. Prints a URL with a random access token; open it in a
browser (the token is then kept in a cookie). Stop with Ctrl-C.

options:
  --runs <dir>          directory holding run directories (default ./runs)
  --port <p>            port, 0 to 65535 (default 8765; 0 picks a free one)
  --host <h>            interface to bind (default 127.0.0.1; anything else exposes the studio, over
                        plain HTTP, to other machines: a warning says so)
  --allow-host <names>  host names, besides the bound address and localhost, that browsers may use to
                        reach the studio (comma-separated, or the flag repeated); requests naming any
                        other Host are refused, which stops DNS rebinding

examples:
  gantry studio
  gantry studio --runs /data/gan-runs --port 9000
  gantry studio --host 0.0.0.0 --allow-host gpu-box.lan`;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function allowedHosts(values: unknown): string[] {
  const given = values === undefined ? [] : Array.isArray(values) ? values.map(String) : [String(values)];
  const names = given.flatMap((v) => v.split(',')).map((n) => n.trim());
  if (names.some((n) => n === '' || /[\s/]/.test(n))) throw new UsageError(`--allow-host takes host names separated by commas, got ${JSON.stringify(given.join(','))}`);
  return names;
}

async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, {
    runs: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'allow-host': { type: 'string', multiple: true },
  }, 0);
  const port = integerInRangeFlag(values.port, 'port', 0, 65535) ?? 8765;
  const runsDir = resolve(stringFlag(values.runs, 'runs') ?? 'runs');
  const host = stringFlag(values.host, 'host') ?? '127.0.0.1';
  const hosts = allowedHosts(values['allow-host']);
  if (!LOOPBACK.has(host)) {
    console.error(`gantry studio: warning: --host ${host} lets other machines reach the studio, over plain HTTP; ` +
      'anyone who sees the URL (its token) can read every run and sample from it');
  }
  const { startStudio } = await import('@gantry/studio');
  const studio = await startStudio({ runsDir, port, host, allowedHosts: hosts });
  console.log(`gantry studio: serving ${runsDir}\n  ${studio.url}`);
  await new Promise<void>((done) => {
    const stop = () => { void studio.close().then(done); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export const studioCommand = command('studio', 'web studio: run browser and 2D playground', usage, run);
