// espeak-ng (Debian's espeak-ng package, GPL-3; scripts/bootstrap installs it) as gantry's speech source.
// The espeak-ng command prints phonemes but no timings (--pho needs MBROLA voices, which Debian does not
// ship), so a short Python script drives libespeak-ng (the package's library) through ctypes with
// phoneme events on: one process per voice synthesises every sentence and prints, a line each, the
// 22050 Hz audio (base64 int16) and the phonemes with the samples where they start.
import { spawnSync } from 'node:child_process';

export interface SpokenSentence {
  rate: number;
  samples: Int16Array;
  events: Array<{ sample: number; phoneme: string }>;
}

const HELPER = String.raw`
import ctypes, sys, json, base64
try:
    lib = ctypes.CDLL('libespeak-ng.so.1')
except OSError as e:
    sys.exit('libespeak-ng.so.1 not found (' + str(e) + '): install Debian espeak-ng (scripts/bootstrap)')
class ID(ctypes.Union):
    _fields_ = [('number', ctypes.c_int), ('name', ctypes.c_char_p), ('string', ctypes.c_char * 8)]
class EVENT(ctypes.Structure):
    _fields_ = [('type', ctypes.c_int), ('unique_identifier', ctypes.c_uint), ('text_position', ctypes.c_int),
                ('length', ctypes.c_int), ('audio_position', ctypes.c_int), ('sample', ctypes.c_int),
                ('user_data', ctypes.c_void_p), ('id', ID)]
CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(EVENT))
# AUDIO_OUTPUT_RETRIEVAL, default buffer, default data, espeakINITIALIZE_PHONEME_EVENTS
rate = lib.espeak_Initialize(1, 0, None, 1)
if rate <= 0: sys.exit('espeak_Initialize failed')
job = json.load(sys.stdin)
if lib.espeak_SetVoiceByName(job['voice'].encode()) != 0: sys.exit('espeak-ng has no voice ' + job['voice'])
audio, events = [], []
def callback(wav, n, ev):
    if n > 0: audio.append(ctypes.string_at(wav, n * 2))
    i = 0
    while ev[i].type != 0:
        if ev[i].type == 7: events.append([ev[i].sample, ev[i].id.string.decode('utf-8', 'replace')])
        i += 1
    return 0
keep = CB(callback)
lib.espeak_SetSynthCallback(keep)
for text in job['texts']:
    audio.clear(); events.clear()
    t = text.encode()
    lib.espeak_Synth(t, len(t) + 1, 0, 0, 0, 0, None, None)
    lib.espeak_Synchronize()
    sys.stdout.write(json.dumps({'rate': rate, 'events': events, 'audio': base64.b64encode(b''.join(audio)).decode()}) + '\n')
`;

/** Characters espeak-ng is given: letters, digits, spaces and plain punctuation (the rest is refused by position). */
const SPEAKABLE = /[A-Za-z0-9 .,;:!?'"()\-\n]/;

/** The text, or an error naming the first character outside the speakable set and its position (from 1). */
export function checkSpeakable(text: string, what = 'text'): string {
  if (text.trim() === '') throw new Error(`${what} is empty`);
  for (let i = 0; i < text.length; i++) {
    if (!SPEAKABLE.test(text[i])) {
      throw new Error(`${what}: character ${JSON.stringify(text[i])} (U+${text.codePointAt(i)!.toString(16).toUpperCase().padStart(4, '0')}) at position ${i + 1} ` +
        `cannot be spoken; use letters, digits, spaces and . , ; : ! ? ' " ( ) -`);
    }
  }
  return text;
}

/** Speaks every text with one espeak-ng voice (e.g. 'en-us', 'en-gb-x-rp'; espeak_SetVoiceByName's names). */
export function speakSentences(texts: readonly string[], voice: string): SpokenSentence[] {
  texts.forEach((t, i) => checkSpeakable(t, `sentence ${i + 1}`));
  const r = spawnSync('python3', ['-c', HELPER], { input: JSON.stringify({ voice, texts }), maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error) throw new Error(`could not run python3 for espeak-ng (${r.error.message}); scripts/bootstrap installs what is needed`);
  if (r.status !== 0) throw new Error(`espeak-ng (voice ${voice}) failed: ${r.stderr.trim() || `exit ${r.status}`}`);
  const lines = r.stdout.trim().split('\n');
  if (lines.length !== texts.length) throw new Error(`espeak-ng (voice ${voice}) returned ${lines.length} utterances for ${texts.length} sentences`);
  return lines.map((line) => {
    const o = JSON.parse(line) as { rate: number; events: Array<[number, string]>; audio: string };
    const bytes = Buffer.from(o.audio, 'base64');
    const samples = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    return { rate: o.rate, samples, events: o.events.map(([sample, phoneme]) => ({ sample, phoneme })) };
  });
}
