import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

// There is no Docker engine here, so `docker compose config` cannot run: this checks the file's shape.
const root = path.resolve(import.meta.dirname, '..');

describe('docker-compose.yml and Dockerfile', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      {
        image?: string;
        command?: string[];
        healthcheck?: { test: string[] };
        depends_on?: Record<string, unknown>;
        environment?: Record<string, string>;
      }
    >;
  };

  test('runs postgres 16, redis 7 and the three roles, each with a healthcheck', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:16/);
    expect(compose.services.redis?.image).toMatch(/^redis:7/);
    for (const role of ['api', 'worker', 'publisher']) {
      const service = compose.services[role];
      expect(service?.command).toEqual(['start', '--role', role]);
      expect(service?.healthcheck?.test.join(' ')).toContain('/readyz');
      expect(Object.keys(service?.depends_on ?? {})).toEqual(['postgres', 'redis']);
      expect(service?.environment?.DATABASE_URL).toMatch(/^postgres:\/\//);
      expect(service?.environment?.REDIS_URL).toMatch(/^redis:\/\//);
    }
    for (const dep of ['postgres', 'redis']) expect(compose.services[dep]?.healthcheck).toBeDefined();
  });

  test('the image is multi-stage, production dependencies only, and runs as a non-root user', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });
});
