// Node-only speech: espeak-ng, the corpus on disk and its stored FDSD classifier.
export * from './corpus.node.js';
export { checkSpeakable, speakSentences, type SpokenSentence } from './espeak.node.js';
export { corpusClassifier, CLASSIFIER_FILE } from './classifier-store.node.js';
