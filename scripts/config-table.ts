// Prints the README's configuration table from the one config schema (packages/config).
// `npx tsx scripts/config-table.ts --write` rewrites the table in README.md between its markers.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeConfig } from '@closeloop/config';

export const START = '<!-- config-table:start -->';
export const END = '<!-- config-table:end -->';

export function configTable(): string {
  const rows = describeConfig().map(
    (r) =>
      `| \`${r.name}\` | ${r.default === '' ? '—' : `\`${r.default}\``} | ${r.description.replace(/\|/g, '\\|')} |`,
  );
  return ['| Variable | Default | What it does |', '|---|---|---|', ...rows].join('\n');
}

export function readmeWithTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error('README.md lacks the config-table markers');
  return `${readme.slice(0, start + START.length)}\n${configTable()}\n${readme.slice(end)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const file = path.resolve(import.meta.dirname, '../README.md');
  if (process.argv.includes('--write')) writeFileSync(file, readmeWithTable(readFileSync(file, 'utf8')));
  else process.stdout.write(`${configTable()}\n`);
}
