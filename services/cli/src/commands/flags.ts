export class UsageError extends Error {
  override name = 'UsageError';
}

/** Minimal `--name value` / `--flag` parser; unknown flags are a usage error. */
export function parseFlags<S extends Record<string, 'string' | 'boolean'>>(
  argv: string[],
  spec: S,
): { [K in keyof S]?: S[K] extends 'string' ? string : boolean } & { _: string[] } {
  const out: Record<string, string | boolean | string[]> = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      (out._ as string[]).push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option --${name}`);
    if (kind === 'boolean') out[name] = true;
    else {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      out[name] = value;
    }
  }
  return out as { [K in keyof S]?: S[K] extends 'string' ? string : boolean } & { _: string[] };
}
