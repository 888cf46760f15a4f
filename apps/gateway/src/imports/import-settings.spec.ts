import { BadRequestException } from '@nestjs/common';
import { type ImportSettings, parseImportSettings, resolveColumns } from './import-settings';

const settings = (overrides: Partial<ImportSettings> = {}): ImportSettings => ({
  type: 'person.email',
  mapping: null,
  options: {},
  priority: 'bulk',
  callbackUrl: null,
  reference: null,
  resume: null,
  ...overrides,
});

describe('parseImportSettings', () => {
  it('reads the type, a mapping, options, priority (bulk by default) and a callback URL', () => {
    expect(parseImportSettings({ type: 'person.email' })).toEqual(settings());
    expect(
      parseImportSettings({
        type: 'person.phone',
        mapping: '{"Work Email":"email","LinkedIn":"linkedin_url"}',
        options: '{"phone_type":"mobile"}',
        priority: 'interactive',
        callback_url: 'https://crm.example.com/hooks',
      }),
    ).toEqual({
      type: 'person.phone',
      mapping: { 'Work Email': 'email', LinkedIn: 'linkedin_url' },
      options: { phone_type: 'mobile' },
      priority: 'interactive',
      callbackUrl: 'https://crm.example.com/hooks',
      reference: null,
      resume: null,
    });
  });

  it('reads the fields an enrich import asks for', () => {
    expect(
      parseImportSettings({ type: 'enrich', options: '{"fields":["mobile_phone","business_email"]}' }),
    ).toEqual(settings({ type: 'enrich', options: { fields: ['mobile_phone', 'business_email'] } }));
  });

  it('reads a reference and the import to resume, refusing malformed ones', () => {
    expect(
      parseImportSettings({
        type: 'person.email',
        reference: 'cli-import-0a1b',
        resume: '0B7E6F1C-2A4D-4E8F-9C1B-3D5A7E9F1B2C',
      }),
    ).toEqual(settings({ reference: 'cli-import-0a1b', resume: '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c' }));
    for (const [raw, problem] of [
      [{ type: 'person.email', reference: '' }, /reference must be 1 to 128 visible ASCII/],
      [{ type: 'person.email', reference: 'two words' }, /reference must be 1 to 128 visible ASCII/],
      [{ type: 'person.email', reference: 'x'.repeat(129) }, /reference must be 1 to 128/],
      [{ type: 'person.email', resume: 'yesterday' }, /resume must be the id \(a UUID\)/],
    ] as const) {
      expect(() => parseImportSettings(raw)).toThrow(problem);
    }
  });

  it('refuses each bad setting with a 400 naming it', () => {
    for (const [raw, problem] of [
      [
        {},
        /type is required: .* \(a form sends it as a field before the file part; a raw CSV body as \?type=\)\.$/,
      ],
      [{ type: 'person.anything' }, /type must be one of/],
      [{ type: 'person.email', mapping: '{' }, /mapping must be a JSON object; it is not valid JSON/],
      [{ type: 'person.email', mapping: '["email"]' }, /mapping must be a JSON object/],
      [{ type: 'person.email', mapping: '{}' }, /at least one CSV column/],
      [
        { type: 'person.email', mapping: '{"Mail":"email"}' },
        /'Mail' to "email", which is not an input field of person\.email/,
      ],
      [{ type: 'person.email', mapping: '{"A":"domain","B":"domain"}' }, /both 'A' and 'B' to domain/],
      [{ type: 'person.email', options: '{"fast":true}' }, /options has unknown field\(s\) 'fast'/],
      [{ type: 'person.email', options: '{"verify":"yes"}' }, /options\.verify must be true or false/],
      // What POST /v1/jobs refuses for the type, whatever the input: refused before any row.
      [{ type: 'enrich' }, /^enrich needs options\.fields/],
      [{ type: 'enrich', options: '{"fields":[]}' }, /options\.fields must be a non-empty list/],
      [
        { type: 'person.email', options: '{"fields":["title"]}' },
        /^options\.fields applies to enrich only, not to person\.email/,
      ],
      [{ type: 'person.email', priority: 'now' }, /priority must be interactive or bulk/],
      [
        { type: 'person.email', callback_url: 'ftp://x.example.com' },
        /callback_url must be an http\(s\) URL/,
      ],
      [{ type: 'person.email', colour: 'red' }, /Unknown import setting\(s\) colour/],
    ] as const) {
      expect(() => parseImportSettings(raw)).toThrow(BadRequestException);
      expect(() => parseImportSettings(raw)).toThrow(problem);
    }
  });
});

describe('resolveColumns', () => {
  it('without a mapping, takes the columns named after an input field of the type, in any case', () => {
    expect(resolveColumns(['First_Name', ' last_name ', 'Domain', 'email', 'Notes'], settings())).toEqual({
      width: 5,
      fields: [
        { index: 0, column: 'First_Name', field: 'first_name' },
        { index: 1, column: 'last_name', field: 'last_name' },
        { index: 2, column: 'Domain', field: 'domain' },
      ],
      // person.email takes no e-mail: that column is ignored like any other
      ignored: ['email', 'Notes'],
    });
  });

  it('without a mapping, reads a column named with spaces or hyphens as the field with underscores', () => {
    expect(resolveColumns(['Email', 'First Name', 'last-name', ' Company  Domain '], settings())).toEqual({
      width: 4,
      fields: [
        { index: 1, column: 'First Name', field: 'first_name' },
        { index: 2, column: 'last-name', field: 'last_name' },
      ],
      ignored: ['Email', 'Company  Domain'],
    });
    expect(() => resolveColumns(['First Name', 'first_name'], settings())).toThrow(
      /more than one column for first_name/,
    );
  });

  it('takes a header of one column, or columns named with semicolons or tabs, like any other (the separator was told when the file was read)', () => {
    expect(resolveColumns(['domain'], settings()).fields).toEqual([
      { index: 0, column: 'domain', field: 'domain' },
    ]);
    // A quoted column name may hold a semicolon or a tab, even as the header's only column.
    expect(resolveColumns(['Notes; misc', 'domain'], settings())).toEqual({
      width: 2,
      fields: [{ index: 1, column: 'domain', field: 'domain' }],
      ignored: ['Notes; misc'],
    });
    expect(resolveColumns(['Domain; work'], settings({ mapping: { 'Domain; work': 'domain' } }))).toEqual({
      width: 1,
      fields: [{ index: 0, column: 'Domain; work', field: 'domain' }],
      ignored: [],
    });
    expect(resolveColumns(['Web\tsite'], settings({ mapping: { 'Web\tsite': 'domain' } })).width).toBe(1);
  });

  it('with a mapping, takes exactly the mapped columns', () => {
    const mapped = settings({ mapping: { 'Work Domain': 'domain', Name: 'full_name' } });
    expect(resolveColumns(['Name', 'first_name', 'Work Domain'], mapped)).toEqual({
      width: 3,
      fields: [
        { index: 0, column: 'Name', field: 'full_name' },
        { index: 2, column: 'Work Domain', field: 'domain' },
      ],
      ignored: ['first_name'],
    });
  });

  it('maps a column whatever its name, __proto__ too', () => {
    const mapped = parseImportSettings({ type: 'person.email', mapping: '{"__proto__":"domain"}' });
    expect(Object.entries(mapped.mapping ?? {})).toEqual([['__proto__', 'domain']]);
    expect(resolveColumns(['__proto__'], mapped).fields).toEqual([
      { index: 0, column: '__proto__', field: 'domain' },
    ]);
    expect(() => resolveColumns(['Mail'], mapped)).toThrow(
      /mapping names column '__proto__', which the header lacks/,
    );
  });

  it('refuses a header that feeds no field, lacks a mapped column, or is ambiguous', () => {
    expect(() => resolveColumns(['colour', 'size'], settings())).toThrow(
      /No column of the header is an input field of person\.email/,
    );
    expect(() => resolveColumns(['', ''], settings())).toThrow(/first line must be a header/);
    expect(() => resolveColumns(['Name'], settings({ mapping: { Mail: 'domain' } }))).toThrow(
      /mapping names column 'Mail', which the header lacks; the header is: Name/,
    );
    expect(() => resolveColumns(['Mail', 'Mail'], settings({ mapping: { Mail: 'domain' } }))).toThrow(
      /column 'Mail' more than once/,
    );
    expect(() => resolveColumns(['domain', 'DOMAIN'], settings())).toThrow(/more than one column for domain/);
  });
});
