import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type FeedbackInputRaw, feedbackInputSchema } from '@closeloop/domain';
import { expect } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
export const fixturesDir = path.resolve(repoRoot, '../shared/fixtures');

export function fixturePath(relative: string): string {
  return path.join(fixturesDir, relative);
}

export function readFixture(relative: string): Buffer {
  return readFileSync(fixturePath(relative));
}

export function readJsonFixture(relative: string): unknown {
  return JSON.parse(readFileSync(fixturePath(relative), 'utf8'));
}

/** Every mapper output must be a valid feedback input as the API will parse it. */
export function expectValidFeedback(items: readonly FeedbackInputRaw[]): void {
  for (const item of items) {
    const parsed = feedbackInputSchema.safeParse(item);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
  }
}

export function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}
