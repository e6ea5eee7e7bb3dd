import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { readmeWithTable } from '../scripts/config-table.ts';

const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');

test('the README configuration table is the one generated from the config schema', () => {
  expect(readme, 'run `npx tsx scripts/config-table.ts --write`').toBe(readmeWithTable(readme));
});

test('the README shows the two commands', () => {
  expect(readme).toContain('npm ci && npm start');
  expect(readme).toContain('npm test');
});
