import type { ImportRecord } from '@sluice/db';
import { resumeRefusal, resumeSettingsOf, RowDigest } from './import-resume';
import type { ImportSettings } from './import-settings';

const SETTINGS: ImportSettings = {
  type: 'person.email',
  mapping: { First: 'first_name', Last: 'last_name', Web: 'domain' },
  options: { verify: true },
  priority: 'bulk',
  callbackUrl: null,
  reference: 'leads',
  resume: '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c',
};

const origin = (
  overrides: Partial<ImportRecord> = {},
): Pick<ImportRecord, 'id' | 'status' | 'resumable' | 'type' | 'settings' | 'error'> => ({
  id: '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c',
  status: 'failed',
  resumable: true,
  type: 'person.email',
  settings: resumeSettingsOf(SETTINGS),
  error: 'The upload broke off.',
  ...overrides,
});

describe('resumeRefusal', () => {
  it('lets a failed, resumable import not resumed yet be resumed with the same settings', () => {
    expect(resumeRefusal(origin(), null, SETTINGS)).toBeNull();
  });

  it('takes the same mapping and options in another key order as the same', () => {
    const reordered: ImportSettings = {
      ...SETTINGS,
      mapping: { Web: 'domain', Last: 'last_name', First: 'first_name' },
    };
    expect(resumeRefusal(origin(), null, reordered)).toBeNull();
  });

  it('refuses an import that did not fail, was refused for its content, or was resumed already', () => {
    expect(resumeRefusal(origin({ status: 'running' }), null, SETTINGS)).toMatch(
      /is running; only a failed import can be resumed/,
    );
    expect(resumeRefusal(origin({ status: 'completed' }), null, SETTINGS)).toMatch(/is completed/);
    expect(
      resumeRefusal(
        origin({ resumable: false, error: 'The file has more than 30 data rows.' }),
        null,
        SETTINGS,
      ),
    ).toMatch(/refused for its content, so it cannot be resumed: The file has more than 30 data rows/);
    expect(resumeRefusal(origin(), '5d1c9a7e-3b2f-4c6d-8e1a-9f0b2c4d6e8a', SETTINGS)).toMatch(
      /already resumed by import 5d1c9a7e-/,
    );
  });

  it('names each setting that differs', () => {
    expect(resumeRefusal(origin(), null, { ...SETTINGS, type: 'person.phone' })).toMatch(
      /ran with another type \(type person\.email/,
    );
    expect(resumeRefusal(origin(), null, { ...SETTINGS, mapping: null, priority: 'interactive' })).toMatch(
      /ran with another mapping, priority /,
    );
    expect(resumeRefusal(origin(), null, { ...SETTINGS, options: {} })).toMatch(/another options/);
  });
});

describe('RowDigest', () => {
  it('is read at any row and goes on; equal rows, equal digests; any cell differing, another', () => {
    const a = new RowDigest();
    const b = new RowDigest();
    a.add(['first_name', 'domain']);
    b.add(['first_name', 'domain']);
    a.add(['Ada', 'acme.com']);
    const early = a.current();
    b.add(['Ada', 'acme.com']);
    expect(b.current()).toBe(early);
    a.add(['Bob', 'acme.com']);
    expect(a.current()).not.toBe(early);
    const c = new RowDigest();
    c.add(['first_name', 'domain']);
    c.add(['Ada,', 'acme.com']); // cells, not joined text: a comma inside a cell is another row
    expect(c.current()).not.toBe(early);
  });
});
