import { PRIORITY_LIMIT } from 'bullmq';
import { bandAt, bandPriorities, PLAN_BULK_BANDS, STEP_BULK_BAND } from './fair-share';
import { JOB_OPTIONS, JOB_PRIORITY, PLAN_PRIORITY, planJobOptions } from './job-options';
import { JOB_NAMES } from './names';

describe('fair bands of priorities', () => {
  it('gives a workspace consecutive priorities from its first tag, the band base being tag 0', () => {
    expect(bandPriorities(STEP_BULK_BAND, 0, 3)).toEqual([10, 11, 12]);
    expect(bandPriorities(PLAN_BULK_BANDS.LOW, 5, 2)).toEqual([
      PLAN_BULK_BANDS.LOW.base + 5,
      PLAN_BULK_BANDS.LOW.base + 6,
    ]);
    expect(bandPriorities(STEP_BULK_BAND, 7, 0)).toEqual([]);
  });

  it("keeps the tags past a band's end at its last priority, which BullMQ accepts", () => {
    const high = PLAN_BULK_BANDS.HIGH;
    const span = high.last - high.base;
    expect(bandPriorities(high, span - 1, 3)).toEqual([high.last - 1, high.last, high.last]);
    expect(bandPriorities(STEP_BULK_BAND, 5_000_000, 1)).toEqual([PRIORITY_LIMIT]);
    expect(STEP_BULK_BAND.last).toBe(PRIORITY_LIMIT);
    expect(PLAN_BULK_BANDS.LOW.last).toBe(PRIORITY_LIMIT);
  });

  it('puts interactive work, and provider callbacks, before every bulk band', () => {
    expect(JOB_PRIORITY.interactive).toBeLessThan(STEP_BULK_BAND.base);
    expect(JOB_PRIORITY.bulk).toBe(STEP_BULK_BAND.base);
    const fixed = [
      PLAN_PRIORITY.interactive.HIGH,
      PLAN_PRIORITY.interactive.LOW,
      JOB_OPTIONS[JOB_NAMES.webhookProcess].priority ?? 0,
    ];
    expect(Math.max(...fixed)).toBeLessThan(PLAN_BULK_BANDS.HIGH.base);
  });

  it('keeps bulk plans of HIGH class work in a band wholly before those of LOW, each about a million wide', () => {
    expect(PLAN_PRIORITY.bulk.HIGH).toBe(PLAN_BULK_BANDS.HIGH.base);
    expect(PLAN_PRIORITY.bulk.LOW).toBe(PLAN_BULK_BANDS.LOW.base);
    expect(PLAN_BULK_BANDS.HIGH.last).toBe(PLAN_BULK_BANDS.LOW.base - 1);
    for (const band of [PLAN_BULK_BANDS.HIGH, PLAN_BULK_BANDS.LOW]) {
      expect(band.last - band.base).toBeGreaterThan(1_000_000);
    }
  });

  it("finds a job's band by the base priority it was given, and only then", () => {
    const bands = [PLAN_BULK_BANDS.HIGH, PLAN_BULK_BANDS.LOW];
    expect(bandAt(planJobOptions('r', 'bulk', 'HIGH').priority, bands)).toBe(PLAN_BULK_BANDS.HIGH);
    expect(bandAt(planJobOptions('r', 'bulk', 'LOW').priority, bands)).toBe(PLAN_BULK_BANDS.LOW);
    expect(bandAt(planJobOptions('r', 'interactive', 'LOW').priority, bands)).toBeNull();
    expect(bandAt(PLAN_BULK_BANDS.LOW.base + 1, bands)).toBeNull();
    expect(bandAt(undefined, bands)).toBeNull();
  });
});
