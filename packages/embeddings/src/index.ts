export {
  buildEmbeddingsCache,
  cacheFileName,
  DEFAULT_TOP_WORDS,
  decodeTable,
  EMBEDDINGS_PACKAGE,
  EmbeddingsUnavailableError,
  embeddingsSource,
  encodeTable,
  loadWordEmbeddings,
  PREPARE_COMMAND,
  quantiseTable,
  readWinkJson,
} from './store.ts';
