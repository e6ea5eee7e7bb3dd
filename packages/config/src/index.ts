import type { z } from 'zod';
import { type Config, configSchema } from './schema.ts';

export { type Config, configSchema } from './schema.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once. A bad value throws ConfigError whose message names each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined) picked[key] = value;
  }
  const result = configSchema.safeParse(picked);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(config)');
      const shown = picked[name] === undefined ? '' : ` (got "${redactValue(name, picked[name])}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  return result.data;
}

function redactValue(name: string, value: string): string {
  if (/SECRET|PASSWORD|KEY/.test(name)) return '***';
  return value.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

/** Rows for the README's configuration table, generated from the schema. */
export function describeConfig(): { name: string; default: string; description: string }[] {
  return Object.entries(configSchema.shape).map(([name, schema]) => {
    const parsed = (schema as z.ZodType).safeParse(undefined);
    const def = parsed.success && parsed.data !== undefined ? String(parsed.data) : '';
    return { name, default: def, description: (schema as z.ZodType).description ?? '' };
  });
}

export function isServiceMode(config: Pick<Config, 'DATABASE_URL'>): boolean {
  return config.DATABASE_URL !== undefined;
}
