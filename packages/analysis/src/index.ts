export {
  assignFolds,
  decideLabels,
  explainLabel,
  explainLabels,
  isLinearModel,
  type LinearModel,
  needsEmbeddings,
  predictThemes,
  scoreLinear,
  scoreTokens,
  type ThemeModel,
  type TrainingExample,
  type TrainOptions,
  trainLinearModel,
  trainThemeModel,
} from './classifier.ts';
export {
  checkEmbeddings,
  DEFAULT_EMBEDDING_FEATURES,
  type EmbeddingFeatureConfig,
  EmbeddingMismatchError,
  type EmbeddingRef,
  embeddingRef,
  embeddingRows,
  embeddingsFromVectors,
  quantiseRow,
  type WordEmbeddings,
} from './embeddings.ts';
export { detectEmergingTopics, type EmergingItem, type EmergingOptions, type EmergingTopic } from './emerging.ts';
export {
  type ClassificationReport,
  classificationMetrics,
  crossValidate,
  crossValidateAsync,
  groupKeys,
  kFoldAssignments,
  type LabelMetrics,
  type MultiLabelReport,
  multiLabelMetrics,
} from './eval.ts';
export { DEFAULT_FEATURES, type FeatureConfig, questionPolarity } from './features.ts';
export { detectLanguage, type LanguageGuess } from './language.ts';
export { decodeEntities, htmlToText, normalise } from './normalise.ts';
export {
  defaultTrainingThreads,
  type ParallelTrainingResult,
  type ParallelTrainOptions,
  trainLinearModelParallel,
  trainThemeModelParallel,
} from './parallel.ts';
export {
  detectPii,
  ibanValid,
  luhnValid,
  nhsNumberValid,
  type PiiSpan,
  type PiiType,
  piiPlaceholder,
  redactPii,
} from './pii.ts';
export * from './pii-eval.ts';
export {
  type Analyser,
  type AnalyserOptions,
  type AnalysisInput,
  type AnalysisResult,
  createAnalyser,
  type ThemeHit,
} from './pipeline.ts';
export { type CompiledRules, compileRules, matchRules, matchThemeRules, type RuleMatch } from './rules.ts';
export {
  analyseSentiment,
  classFromFivePoint,
  classOfScore,
  fivePointFromClass,
  lexiconSentiment,
  predictSentiment,
  SENTIMENT_CLASSES,
  type Sentiment,
  type SentimentClass,
  type SentimentExample,
  type SentimentModel,
  trainSentimentModel,
} from './sentiment.ts';
export {
  defaultTaxonomy,
  defaultTaxonomyAdditions,
  type TaxonomyAddition,
  type ThemeDef,
} from './taxonomy.ts';
export { isNegator, phraseStems, stemWord, type Token, tokenise, welshRadicals } from './tokenise.ts';
