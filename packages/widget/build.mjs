// Builds the browser feedback widget (src/widget.ts) into one minified IIFE: dist/widget.js.
// `node packages/widget/build.mjs` (or `npm run build:widget`) builds it; servers call
// ensureWidgetBuilt() so a fresh checkout works without a separate step. esbuild is a
// devDependency: production images run the build at image build time.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const widgetSource = fileURLToPath(new URL('./src/widget.ts', import.meta.url));
export const widgetBundle = fileURLToPath(new URL('./dist/widget.js', import.meta.url));

/** Builds dist/widget.js; resolves to its size in bytes. */
export async function buildWidget() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [widgetSource],
    outfile: widgetBundle,
    bundle: true,
    format: 'iife',
    minify: true,
    target: ['chrome100', 'firefox100', 'safari15.4', 'edge100'],
    legalComments: 'none',
    charset: 'utf8',
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].bytes;
}

function isStale() {
  if (!existsSync(widgetBundle)) return true;
  return existsSync(widgetSource) && statSync(widgetSource).mtimeMs > statSync(widgetBundle).mtimeMs;
}

let pending = null;
// Set when a stale bundle could not be rebuilt (no esbuild in a production image): keep serving it.
let keepExisting = false;

/**
 * Builds the widget once when dist/widget.js is missing or older than its source. Resolves to the
 * bundle path; rejects only when there is no bundle and it cannot be built (no esbuild).
 */
export function ensureWidgetBuilt() {
  if (keepExisting || !isStale()) return Promise.resolve(widgetBundle);
  pending ??= buildWidget()
    .then(() => widgetBundle)
    .catch((error) => {
      if (!existsSync(widgetBundle)) throw error;
      keepExisting = true;
      return widgetBundle;
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildWidget().then(
    (bytes) => process.stdout.write(`built ${widgetBundle} (${bytes} bytes)\n`),
    (error) => {
      process.stderr.write(`widget build failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
