// Speech: WAV bytes, resampling, the 200 Hz conditioning features, the corpus in memory, and the phoneme
// classifier behind FDSD / KDSD (docs/audio.md). Node-only parts (espeak-ng, the corpus on disk) are
// exported from '@gantry/core/node'.
export { decodeWav, encodeWav, readWavBytes, type DecodedWav, type ReadWavOptions, type WavAudio } from './wav.js';
export { resample } from './resample.js';
export { frameFeatures, FRAME_RATE, HOP, phonemeFrames, phonemeLookup, SAMPLE_RATE, SILENCE, trackPitch, type FrameTrack, type PhonemeEvent } from './frames.js';
export { featureWidth, minutesOf, sampleClips, splitOf, tileClips, utterancesOf, type Clips, type SpeechCorpus, type SpeechSplit, type Utterance } from './corpus.js';
export {
  phonemeClassifier, PENULTIMATE, speechDistances, speechFeatures, trainPhonemeClassifier, type PhonemeClassifierOptions, type SpeechDistances,
} from './phoneme-classifier.js';
