import { describe, expect, test } from 'vitest';
import { hashPassword, Sealer, uuidv7, verifyPassword } from '../src/index.ts';

describe('crypto helpers', () => {
  test('uuidv7 ids are unique, version 7, and ordered by time', () => {
    const ids = Array.from({ length: 5_000 }, () => uuidv7());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7(1_000) < uuidv7(2_000)).toBe(true);
  });

  test('sealed values round-trip, differ each time, and fail on tampering', () => {
    const sealer = new Sealer('ab'.repeat(32));
    const a = sealer.seal('jane@example.org');
    expect(a).not.toBe(sealer.seal('jane@example.org'));
    expect(sealer.unseal(a)).toBe('jane@example.org');
    const tampered = Buffer.from(a, 'base64');
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => sealer.unseal(tampered.toString('base64'))).toThrow();
    expect(sealer.lookupHash(' Jane@Example.org ')).toBe(sealer.lookupHash('jane@example.org'));
  });

  test('passwords verify only with the right password', () => {
    const stored = hashPassword('correct horse');
    expect(verifyPassword('correct horse', stored)).toBe(true);
    expect(verifyPassword('wrong horse', stored)).toBe(false);
    expect(verifyPassword('x', null)).toBe(false);
  });
});
