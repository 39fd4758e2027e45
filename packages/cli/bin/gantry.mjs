#!/usr/bin/env node
// The gantry binary: runs the TypeScript entry through tsx, so `npx gantry` works right after npm ci.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
