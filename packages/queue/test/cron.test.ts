import { describe, expect, it } from 'vitest';
import { nextCronTime, parseCron } from '../src/cron.ts';

const next = (expression: string, after: Date) => nextCronTime(parseCron(expression), after);

describe('cron evaluation for the memory driver', () => {
  it('steps minutes: */15 after 10:07 is 10:15', () => {
    expect(next('*/15 * * * *', new Date(2025, 0, 6, 10, 7, 30))).toEqual(new Date(2025, 0, 6, 10, 15, 0));
  });

  it('is strictly after the given time', () => {
    expect(next('0 3 * * *', new Date(2025, 0, 6, 3, 0, 0))).toEqual(new Date(2025, 0, 7, 3, 0, 0));
  });

  it('rolls over month and year ends', () => {
    expect(next('30 2 1 * *', new Date(2025, 11, 15, 12, 0, 0))).toEqual(new Date(2026, 0, 1, 2, 30, 0));
  });

  it('reads day names and ranges: a weekday schedule skips the weekend', () => {
    // 2025-01-11 is a Saturday.
    expect(next('0 9 * * mon-fri', new Date(2025, 0, 11, 8, 0, 0))).toEqual(new Date(2025, 0, 13, 9, 0, 0));
  });

  it('accepts 7 as Sunday', () => {
    expect(next('0 0 * * 7', new Date(2025, 0, 6, 0, 0, 0))).toEqual(new Date(2025, 0, 12, 0, 0, 0));
  });

  it('matches either day field when both are restricted', () => {
    // The 1st of the month or any Monday: after Tue 2025-01-07, Monday the 13th comes first.
    expect(next('0 0 1 * mon', new Date(2025, 0, 7, 0, 0, 0))).toEqual(new Date(2025, 0, 13, 0, 0, 0));
  });

  it('supports a leading seconds field', () => {
    expect(next('*/20 * * * * *', new Date(2025, 0, 6, 10, 0, 41, 500))).toEqual(new Date(2025, 0, 6, 10, 1, 0));
  });

  it('reads month names and lists', () => {
    expect(next('0 0 1 jan,jul *', new Date(2025, 1, 1))).toEqual(new Date(2025, 6, 1, 0, 0, 0));
  });

  it('rejects malformed expressions', () => {
    expect(() => parseCron('61 * * * *')).toThrow(/out of range/);
    expect(() => parseCron('* * *')).toThrow(/5 or 6 fields/);
    expect(() => parseCron('*/0 * * * *')).toThrow(/step/);
    expect(() => parseCron('5-1 * * * *')).toThrow(/range/);
    expect(() => parseCron('0 0 31 2 *')).not.toThrow();
    expect(() => next('0 0 31 2 *', new Date(2025, 0, 1))).toThrow(/never matches/);
  });
});
