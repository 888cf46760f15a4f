import { HttpException, HttpStatus } from '@nestjs/common';
import { parseJobRequest } from '../jobs/job-input';
import { jobOfRow, refusalMessage } from './import-rows';
import type { ColumnMap, ImportSettings } from './import-settings';

const SETTINGS: ImportSettings = {
  type: 'person.email',
  mapping: null,
  options: { verify: true },
  priority: 'bulk',
  callbackUrl: 'https://crm.example.com/hooks',
  reference: null,
  resume: null,
};
const COLUMNS: ColumnMap = {
  width: 4,
  fields: [
    { index: 0, column: 'First', field: 'first_name' },
    { index: 1, column: 'Last', field: 'last_name' },
    { index: 2, column: 'Work Domain', field: 'domain' },
  ],
  ignored: ['Notes'],
};
const IMPORT_ID = '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c';

describe('jobOfRow', () => {
  it('builds the job from the mapped cells, normalised, with the import’s settings and id', () => {
    expect(
      jobOfRow([' Ada ', 'Lovelace', 'WWW.Example.COM', 'met at a fair'], 2, COLUMNS, SETTINGS, IMPORT_ID),
    ).toEqual({
      job: {
        type: 'person.email',
        input: { first_name: 'Ada', last_name: 'Lovelace', domain: 'example.com' },
        priority: 'bulk',
        callbackUrl: 'https://crm.example.com/hooks',
        maxCredits: null,
        options: { verify: true },
        importId: IMPORT_ID,
      },
    });
  });

  it('names the column of a malformed cell', () => {
    expect(jobOfRow(['Ada', 'Lovelace', 'not a domain', ''], 7, COLUMNS, SETTINGS, IMPORT_ID)).toEqual({
      error: {
        line: 7,
        column: 'Work Domain',
        message: 'input.domain "not a domain" is not a domain (e.g. example.com)',
      },
    });
  });

  it('refuses, naming the column, a cell that is misdecoded text or a formula, before anything is looked up', () => {
    expect(jobOfRow(['Søren', 'MÃ¼ller', 'example.de', ''], 4, COLUMNS, SETTINGS, IMPORT_ID)).toEqual({
      error: {
        line: 4,
        column: 'Last',
        message: expect.stringMatching(
          /^input\.last_name "MÃ¼ller" is UTF-8 text that was read in another encoding/,
        ) as string,
      },
    });
    expect(
      jobOfRow(
        ['=HYPERLINK("https://x.example","Ada")', 'Lovelace', 'example.com', ''],
        5,
        COLUMNS,
        SETTINGS,
        IMPORT_ID,
      ),
    ).toMatchObject({
      error: { line: 5, column: 'First', message: expect.stringMatching(/spreadsheet formula/) as string },
    });
    // An ignored column is not read.
    expect(
      jobOfRow(['Ada', 'Lovelace', 'example.com', 'MÃ¼ller'], 6, COLUMNS, SETTINGS, IMPORT_ID),
    ).toHaveProperty('job');
  });

  it('drops spaces written inside a company number, and names the column of one that is none', () => {
    const settings: ImportSettings = { ...SETTINGS, type: 'company.profile', options: {} };
    const columns: ColumnMap = {
      width: 1,
      fields: [{ index: 0, column: 'Reg No', field: 'company_number' }],
      ignored: [],
    };
    expect(jobOfRow([' SC 571653 '], 2, columns, settings, IMPORT_ID)).toMatchObject({
      job: { type: 'company.profile', input: { company_number: 'SC571653' } },
    });
    expect(jobOfRow(['SC 571 65X'], 3, columns, settings, IMPORT_ID)).toEqual({
      error: {
        line: 3,
        column: 'Reg No',
        message: expect.stringMatching(
          /^input\.company_number "SC 571 65X" is not a company number/,
        ) as string,
      },
    });
  });

  it('treats empty cells as absent, and says what is missing when nothing identifies the person', () => {
    expect(jobOfRow(['Ada', '  ', '', 'x'], 3, COLUMNS, SETTINGS, IMPORT_ID)).toEqual({
      error: {
        line: 3,
        message: expect.stringMatching(/^person\.email needs input\.linkedin_url/) as string,
      },
    });
  });

  it('refuses, as POST /v1/jobs does, an enrich row whose identifiers cannot reach the fields asked', () => {
    const enrich: ImportSettings = {
      ...SETTINGS,
      type: 'enrich',
      options: { fields: ['mobile_phone', 'industry'] },
    };
    const columns: ColumnMap = {
      width: 2,
      fields: [
        { index: 0, column: 'company_name', field: 'company_name' },
        { index: 1, column: 'email', field: 'email' },
      ],
      ignored: [],
    };
    let refused: unknown;
    try {
      parseJobRequest('enrich', { company_name: 'Acme Ltd' }, { fields: ['mobile_phone', 'industry'] });
    } catch (error) {
      refused = error;
    }
    expect(jobOfRow(['Acme Ltd', ''], 2, columns, enrich, IMPORT_ID)).toEqual({
      error: { line: 2, message: refusalMessage(refused) },
    });
    expect(refusalMessage(refused)).toMatch(/^mobile_phone cannot be looked up from the identifiers given/);
    expect(jobOfRow(['Acme Ltd', 'ada@acme.com'], 3, columns, enrich, IMPORT_ID)).toMatchObject({
      job: { input: { company_name: 'Acme Ltd', email: 'ada@acme.com' } },
    });
  });

  it('refuses a row whose field count differs from the header’s', () => {
    expect(jobOfRow(['Ada', 'Lovelace', 'example.com'], 4, COLUMNS, SETTINGS, IMPORT_ID)).toEqual({
      error: { line: 4, message: 'The row has 3 field(s); the header has 4.' },
    });
  });
});

describe('refusalMessage', () => {
  it('reads the message of an HTTP refusal, joined when it is a list; null for anything else', () => {
    expect(
      refusalMessage(
        new HttpException({ code: 'quota_exceeded', message: 'used up' }, HttpStatus.PAYMENT_REQUIRED),
      ),
    ).toBe('used up');
    expect(refusalMessage(new HttpException({ message: ['a', 'b'] }, HttpStatus.BAD_REQUEST))).toBe('a; b');
    expect(refusalMessage(new HttpException('plain', HttpStatus.BAD_REQUEST))).toBe('plain');
    expect(refusalMessage(new Error('boom'))).toBeNull();
  });
});
