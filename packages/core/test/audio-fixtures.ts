// A tiny espeak-ng corpus for the speech tests: 6 sentences in one voice (sentence 0 held out), built once
// per test process in a temporary directory. espeak-ng (Debian's package; scripts/bootstrap) is required.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCorpus, loadCorpus, type SpeechCorpus } from '../src/node.js';

export const TINY_SENTENCES = [
  'The old mill stood by the river.', 'A cold wind blew from the north.', 'She carried a basket of apples.',
  'The train left the station at seven.', 'Rain fell steadily for three days.', 'The cat slept in the sun.',
];

let built: { dir: string; corpus: SpeechCorpus } | undefined;

export function tinyCorpus(): { dir: string; corpus: SpeechCorpus } {
  if (built) return built;
  const dir = mkdtempSync(join(tmpdir(), 'gantry-tiny-speech-'));
  try {
    buildCorpus(dir, { voices: ['en-us'], sentences: TINY_SENTENCES });
  } catch (e) {
    throw new Error(`the speech tests need espeak-ng (apt-get install espeak-ng, or scripts/bootstrap): ${(e as Error).message}`);
  }
  built = { dir, corpus: loadCorpus(dir) };
  return built;
}
