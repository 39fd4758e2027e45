// --class of a conditional run: a class name as the data named it (an emoji category, a Fashion-MNIST class,
// an image folder's subfolder) or its 0-based index. Anything else is an error listing the run's classes.
import { UsageError } from './args.js';

/** The class index that `value` names among `classNames` (or indexes, below numClasses); undefined when no --class was given. */
export function classFlag(value: unknown, runDir: string, numClasses: number | undefined, classNames?: readonly string[]): number | undefined {
  if (value === undefined) return undefined;
  if (!numClasses) throw new UsageError(`--class: ${runDir} is not a conditional run (train one with --conditional)`);
  const text = String(value);
  if (/^\d+$/.test(text) && Number(text) < numClasses) return Number(text);
  const named = classNames?.findIndex((name) => name.toLowerCase() === text.toLowerCase()) ?? -1;
  if (named >= 0) return named;
  throw new UsageError(`--class ${JSON.stringify(text)}: ${runDir} has no such class; its ${classListing(numClasses, classNames)}`);
}

/** "N classes are 0 "a", 1 "b", ...": what an error about a run's classes lists. */
export function classListing(numClasses: number, classNames?: readonly string[]): string {
  const valid = classNames?.length === numClasses
    ? classNames.map((name, i) => `${i} ${JSON.stringify(name)}`).join(', ')
    : `0 to ${numClasses - 1} (the data named none)`;
  return `${numClasses} classes are ${valid}`;
}

/** The class of a run whose generator is conditional when numClasses is set: --class is then required, else refused. */
export function requiredClassFlag(value: unknown, runDir: string, numClasses: number | undefined, classNames?: readonly string[]): number | undefined {
  if (numClasses && value === undefined) {
    throw new UsageError(`--class <name> is required: ${runDir} is a conditional run; its ${classListing(numClasses, classNames)}`);
  }
  return classFlag(value, runDir, numClasses, classNames);
}
