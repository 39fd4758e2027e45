// Flag parsing shared by the commands: node's util.parseArgs (strict) plus value checks that say
// what is accepted. A UsageError means exit code 2; any other error is a runtime failure (1).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDecimal } from '@gantry/core';

export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Strict parse: unknown flags and missing values become UsageErrors naming the accepted flags. */
export function parseFlags(argv: string[], options: Options, maxPositionals: number): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    const accepted = Object.keys(options).map((k) => `--${k}`).join(', ');
    throw new UsageError(`${(e as Error).message.split('. To specify')[0]} (accepted: ${accepted}, --help)`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`);
  }
  return { values: parsed.values as Parsed['values'], positionals: parsed.positionals };
}

// Values from a config file arrive as numbers; from the command line as text, which must be plain decimal
// notation: Number() would also take '0x10', '0b1', ' 5' and '' (as 0), none of which anyone means as a count.
const DECIMAL_INTEGER = /^[+-]?\d+$/;

function integerValue(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : NaN;
}

/** A flag's value as a number: plain decimal or scientific notation only (NaN for anything else). */
export function numberValue(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? parseDecimal(value) : NaN;
}

export function integerFlag(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = integerValue(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

export function integerInRangeFlag(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = integerValue(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  return n;
}

export function positiveNumberFlag(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = numberValue(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

export function numberInRangeFlag(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = numberValue(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number in [${min === -Infinity ? '-inf' : min}, ${max === Infinity ? 'inf' : max}], got ${JSON.stringify(value)}`);
  }
  return n;
}

export function choiceFlag<T extends string>(value: unknown, name: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as T;
}

export function stringFlag(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} needs a value`);
  return value;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** returns the exit code */
  run(argv: string[]): Promise<number>;
}

/** Wraps a command body: --help, and errors turned into messages and exit codes. */
export function command(name: string, summary: string, usage: string, body: (argv: string[]) => Promise<void>): Command {
  return {
    name,
    summary,
    usage,
    async run(argv) {
      if (argv.includes('--help') || argv.includes('-h')) {
        console.log(usage);
        return 0;
      }
      try {
        await body(argv);
        return 0;
      } catch (e) {
        const err = e as Error;
        console.error(`gantry ${name}: ${err.message}`);
        if (e instanceof UsageError) {
          console.error(`run "gantry ${name} --help" for usage`);
          return 2;
        }
        if (process.env.GANTRY_DEBUG) console.error(err.stack);
        return 1;
      }
    },
  };
}
