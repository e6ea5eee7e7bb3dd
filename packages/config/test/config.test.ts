import { describe, expect, test } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../src/index.ts';

describe('loadConfig', () => {
  test('an empty environment gives the embedded defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.CLOSELOOP_DATA_DIR).toBe('./data');
  });

  test('a bad value names the variable and the problem', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^invalid configuration: PORT: .*"eighty"/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
  });

  test('secrets are not echoed in the error', () => {
    let message = '';
    try {
      loadConfig({ CLOSELOOP_SECRET_KEY: 'short-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('CLOSELOOP_SECRET_KEY');
    expect(message).not.toContain('short-secret');
  });

  test('an empty URL variable counts as unset', () => {
    expect(loadConfig({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
  });

  test('every variable is documented', () => {
    for (const row of describeConfig()) expect(row.description.length).toBeGreaterThan(10);
  });
});
