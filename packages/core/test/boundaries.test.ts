import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// DESIGN.md: dependencies point downward only (services → packages); a service never reads another
// service's files. Only the CLI, which starts every role, may import services.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVICES = readdirSync(path.join(root, 'services'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts|tsx)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every `@closeloop/<name>` module specifier a file imports or re-exports, static or dynamic. */
function workspaceImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'@closeloop\/([a-z-]+)/g)) {
    if (m[1]) found.add(m[1]);
  }
  return [...found];
}

function violations(owner: string, dir: string, allowed: (name: string) => boolean): string[] {
  return sourceFiles(dir).flatMap((file) =>
    workspaceImports(file)
      .filter((name) => name !== owner && !allowed(name))
      .map((name) => `${path.relative(root, file)} imports @closeloop/${name}`),
  );
}

describe('module boundaries', () => {
  it('no service other than the cli imports another service', () => {
    const found = SERVICES.filter((s) => s !== 'cli').flatMap((s) =>
      violations(s, path.join(root, 'services', s, 'src'), (name) => !SERVICES.includes(name)),
    );
    expect(found).toEqual([]);
  });

  it('no package imports a service', () => {
    const packages = readdirSync(path.join(root, 'packages'));
    const found = packages.flatMap((p) =>
      violations(p, path.join(root, 'packages', p, 'src'), (name) => !SERVICES.includes(name)),
    );
    expect(found).toEqual([]);
  });

  it('core imports only the lower packages', () => {
    const lower = new Set(['analysis', 'config', 'db', 'domain', 'logger', 'publishing', 'queue']);
    expect(violations('core', path.join(root, 'packages', 'core', 'src'), (name) => lower.has(name))).toEqual([]);
  });
});
