#!/usr/bin/env node
// The gantry binary. Installed from npm it runs the compiled dist/main.js with plain node. In the
// repository (src/ present) it runs the TypeScript sources through tsx, with @gantry/* imports resolved to
// their sources (the gantry-source export condition), so `npx gantry` works right after npm ci, no build.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const source = new URL('../src/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // registered after tsx, so it runs first and hands tsx (then node) the extra condition
  register('data:text/javascript,export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "gantry-source"] }); }');
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../dist/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
