export { bagsOfWords, buildVocabulary, emojiText, tokenize, UNKNOWN_WORD, type Bags, type Vocabulary } from './text.js';
export {
  contrastiveLoss, embedTexts, matcherTrainable, resumeMatcher, retrievalScore, trainMatcher, MATCHER_KIND, type Matcher, type MatcherOptions, type TextImagePairs,
} from './matcher.js';
export { conditioningAugmentation, stackDiscriminator, stage1Generator, stage2Generator, STAGE1_SIZE, STAGE2_SIZE, type StackGanSizes } from './networks.js';
export {
  augmentCondition, resumeStackGan, stackGanSample, stackGanTrainable, trainStackGan, STACKGAN_KINDS,
  type StackGanConfig, type StackGanData, type StackGanOptions, type StackGanResult,
} from './trainer.js';
export { categoryAccuracy, stackganCeiling, stackganScores, type StackganScores, type StackganScoring } from './scores.js';
