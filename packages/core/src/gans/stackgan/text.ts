// StackGAN's text side (issue 17). No pretrained word embeddings can be downloaded here, so a text is the
// bag of its words: lower-cased, split on anything that is not a letter or a digit, counted over a
// vocabulary built from the training texts and normalised to sum 1 (the mean of the words' one-hot
// vectors). A word outside the vocabulary counts as '<unk>', and the caller is told which ones it met.
// What turns a bag into the embedding phi(t) is learned with the text-image matcher (matcher.ts).
import type { EmojiImage } from '../../data/emoji.js';

export const UNKNOWN_WORD = '<unk>';

export interface Vocabulary {
  /** UNKNOWN_WORD first, then the training words in sorted order */
  words: string[];
}

export function tokenize(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

export function buildVocabulary(texts: readonly string[]): Vocabulary {
  const words = new Set<string>();
  for (const t of texts) for (const w of tokenize(t)) words.add(w);
  if (words.size === 0) throw new Error('buildVocabulary: the texts hold no words');
  return { words: [UNKNOWN_WORD, ...[...words].sort()] };
}

export interface Bags {
  /** [texts, vocabulary size], each row summing to 1 */
  bags: Float32Array;
  size: number;
  /** words that fell outside the vocabulary, with the index of their text */
  unknown: { text: number; word: string }[];
}

/** The texts as normalised bags of words; a text with no word at all is an error naming it. */
export function bagsOfWords(vocabulary: Vocabulary, texts: readonly string[]): Bags {
  const index = new Map(vocabulary.words.map((w, i) => [w, i]));
  const size = vocabulary.words.length;
  const bags = new Float32Array(texts.length * size);
  const unknown: Bags['unknown'] = [];
  texts.forEach((text, t) => {
    const words = tokenize(text);
    if (words.length === 0) throw new Error(`text ${t} (${JSON.stringify(text)}) holds no word`);
    for (const w of words) {
      const i = index.get(w);
      if (i === undefined) unknown.push({ text: t, word: w });
      bags[t * size + (i ?? 0)] += 1 / words.length;
    }
  });
  return { bags, size, unknown };
}

const SKIN_TONES: Record<string, string> = {
  '1F3FB': 'light skin tone', '1F3FC': 'medium light skin tone', '1F3FD': 'medium skin tone', '1F3FE': 'medium dark skin tone', '1F3FF': 'dark skin tone',
};

/** An emoji's text: its name and short name, and the words of its skin tones for a variant. */
export function emojiText(image: EmojiImage): string {
  const tones = image.skinTone ? image.skinTone.split('-').map((c) => SKIN_TONES[c] ?? '').join(' ') : '';
  return `${image.name} ${image.shortName.replace(/_/g, ' ')} ${tones}`.trim();
}
