import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { buildWidget, ensureWidgetBuilt, widgetBundle } from '../src/index.ts';

describe('widget build', () => {
  test('esbuild makes one minified IIFE under 12 KB with no imports', async () => {
    const bytes = await buildWidget();
    const code = readFileSync(widgetBundle, 'utf8');
    expect(bytes).toBe(Buffer.byteLength(code));
    expect(bytes).toBeLessThan(12 * 1024);
    expect(code).toMatch(/^("use strict";)?\(\(\)=>\{/);
    expect(code.trimEnd().endsWith('})();')).toBe(true);
    expect(code).not.toMatch(/\bimport\s*\(|\brequire\(|^import |^export /m);
  });

  test('the bundle carries the English and Welsh strings and posts to /v1/widget/feedback', async () => {
    await ensureWidgetBuilt();
    const code = readFileSync(widgetBundle, 'utf8');
    expect(code).toContain('Tell us what you think');
    expect(code).toContain('Dywedwch eich barn wrthym');
    expect(code).toContain('/v1/widget/feedback');
    expect(code).toContain('attachShadow');
  });

  test('ensureWidgetBuilt builds once and then reuses the fresh bundle', async () => {
    const first = await ensureWidgetBuilt();
    const second = await ensureWidgetBuilt();
    expect(first).toBe(widgetBundle);
    expect(second).toBe(widgetBundle);
  });
});
