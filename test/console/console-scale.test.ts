// The delivery chart's scale: whole-number ticks whose labels are the values they stand at.
import { describe, expect, it } from 'vitest';
import { niceTicks } from '../../console/src/components/scale.js';

describe('chart scale', () => {
  it('no data still has a scale from 0 to 1', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it('small counts get a tick for every whole number, up to the largest', () => {
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(5)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('larger counts step by 2, 5, 10, 20, 50 … with the top tick at or above the largest', () => {
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(11)).toEqual([0, 5, 10, 15]);
    expect(niceTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(1234)).toEqual([0, 500, 1000, 1500]);
  });

  it('every tick is a whole number and the steps are even', () => {
    for (let max = 0; max <= 2000; max += 7) {
      const ticks = niceTicks(max);
      expect(ticks.every(Number.isInteger)).toBe(true);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect(new Set(ticks.slice(1).map((t, i) => t - ticks[i]!)).size).toBe(1);
    }
  });

  it('a fractional or broken maximum is treated as the next whole count', () => {
    expect(niceTicks(2.5)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(Number.NaN)).toEqual([0, 1]);
  });
});
