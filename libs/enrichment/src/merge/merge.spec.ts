import { DEFAULT_RELIABILITY, MAX_CONFIDENCE, mergeAnswers, type ProviderAnswer } from './merge';

describe('mergeAnswers', () => {
  it('puts every requested field in data, null when no answer knows it', () => {
    const merged = mergeAnswers(
      [{ provider: 'a', fields: { title: 'CTO' } }],
      ['title', 'seniority', 'phone'],
    );
    expect(merged.data).toEqual({ title: 'CTO', seniority: null, phone: null });
    expect(merged.sources).toEqual({ title: 'a' });
    expect(merged.confidence).toEqual({ title: DEFAULT_RELIABILITY });
  });

  it('treats null, undefined, empty strings and empty lists as unknown', () => {
    const merged = mergeAnswers(
      [
        {
          provider: 'a',
          fields: { title: null, city: '', technologies: [], industry: undefined, state: '  ' },
        },
        { provider: 'b', fields: { title: 'CFO' } },
      ],
      ['title', 'city', 'technologies', 'industry', 'state'],
    );
    expect(merged.data).toEqual({
      title: 'CFO',
      city: null,
      technologies: null,
      industry: null,
      state: null,
    });
    expect(merged.sources).toEqual({ title: 'b' });
    expect(Object.keys(merged.confidence)).toEqual(['title']);
  });

  it('with no field list, merges every field any answer knows, in order of appearance', () => {
    const merged = mergeAnswers(
      [
        { provider: 'a', fields: { first_name: 'Jane', title: null } },
        { provider: 'b', fields: { last_name: 'Doe', first_name: 'Jane' } },
      ],
      null,
    );
    expect(Object.keys(merged.data)).toEqual(['first_name', 'last_name']);
    expect(merged.data).toEqual({ first_name: 'Jane', last_name: 'Doe' });
  });

  it('takes a confidence from the answer, else the provider reliability, else 0.7', () => {
    const merged = mergeAnswers(
      [
        { provider: 'a', fields: { title: 'CTO' }, confidence: { title: 0.42 } },
        { provider: 'b', fields: { city: 'Leeds' }, confidence: { title: 0.9 } },
        { provider: 'c', fields: { state: 'Yorkshire' } },
      ],
      ['title', 'city', 'state'],
      { a: 0.99, b: 0.55 },
    );
    expect(merged.confidence).toEqual({ title: 0.42, city: 0.55, state: 0.7 });
  });

  it('combines agreeing providers as 1 - Π(1 - c) and beats a single more confident one', () => {
    const merged = mergeAnswers(
      [
        { provider: 'loner', fields: { title: 'Head of Sales' }, confidence: { title: 0.8 } },
        { provider: 'a', fields: { title: 'CEO' }, confidence: { title: 0.6 } },
        { provider: 'b', fields: { title: ' ceo ' }, confidence: { title: 0.6 } },
      ],
      ['title'],
    );
    // 1 - 0.4 × 0.4 = 0.84 > 0.8
    expect(merged.data.title).toBe('CEO');
    expect(merged.confidence.title).toBe(0.84);
  });

  it('lets a single confident provider beat weak agreement', () => {
    const merged = mergeAnswers(
      [
        { provider: 'a', fields: { title: 'CEO' }, confidence: { title: 0.3 } },
        { provider: 'b', fields: { title: 'CEO' }, confidence: { title: 0.3 } },
        { provider: 'sure', fields: { title: 'CTO' }, confidence: { title: 0.9 } },
      ],
      ['title'],
    );
    // 1 - 0.7 × 0.7 = 0.51 < 0.9
    expect(merged.data.title).toBe('CTO');
    expect(merged.sources.title).toBe('sure');
    expect(merged.confidence.title).toBe(0.9);
  });

  it('caps combined confidence at 0.99', () => {
    const answers: ProviderAnswer[] = ['a', 'b', 'c'].map((provider) => ({
      provider,
      fields: { city: 'Leeds' },
      confidence: { city: 0.95 },
    }));
    expect(mergeAnswers(answers, ['city']).confidence.city).toBe(MAX_CONFIDENCE);
    expect(
      mergeAnswers([{ provider: 'a', fields: { city: 'Leeds' }, confidence: { city: 1 } }], ['city'])
        .confidence.city,
    ).toBe(0.99);
  });

  it('clamps confidences outside 0..1 and ignores ones that are not numbers', () => {
    const merged = mergeAnswers(
      [
        { provider: 'a', fields: { city: 'Leeds' }, confidence: { city: -3 } },
        { provider: 'b', fields: { city: 'York' }, confidence: { city: Number.NaN } },
      ],
      ['city'],
      { b: 0.5 },
    );
    expect(merged.data.city).toBe('York');
    expect(merged.confidence.city).toBe(0.5);
    expect(
      mergeAnswers([{ provider: 'a', fields: { city: 'Leeds' }, confidence: { city: 7 } }], ['city'])
        .confidence.city,
    ).toBe(0.99);
  });

  it('gives a tie to the earlier answer', () => {
    const merged = mergeAnswers(
      [
        { provider: 'first', fields: { title: 'CEO' } },
        { provider: 'second', fields: { title: 'CTO' } },
      ],
      ['title'],
    );
    expect(merged.data.title).toBe('CEO');
    expect(merged.sources.title).toBe('first');
    const reversed = mergeAnswers(
      [
        { provider: 'second', fields: { title: 'CTO' } },
        { provider: 'first', fields: { title: 'CEO' } },
      ],
      ['title'],
    );
    expect(reversed.data.title).toBe('CTO');
  });

  it('treats confidences equal up to floating-point noise as a tie', () => {
    // 1 - 0.5 × 0.2 is 0.9000000000000001 in floating point; it ties with 0.9.
    const merged = mergeAnswers(
      [
        { provider: 'single', fields: { title: 'CTO' }, confidence: { title: 0.9 } },
        { provider: 'a', fields: { title: 'CEO' }, confidence: { title: 0.5 } },
        { provider: 'b', fields: { title: 'CEO' }, confidence: { title: 0.8 } },
      ],
      ['title'],
    );
    expect(merged.data.title).toBe('CTO');
    expect(merged.sources.title).toBe('single');
  });

  it('names the most confident member of the winning group as the source, and gives its value', () => {
    const merged = mergeAnswers(
      [
        { provider: 'weak', fields: { company_name: 'ACME LTD' }, confidence: { company_name: 0.4 } },
        { provider: 'strong', fields: { company_name: 'Acme Ltd' }, confidence: { company_name: 0.8 } },
        { provider: 'other', fields: { company_name: 'Widgets plc' }, confidence: { company_name: 0.85 } },
      ],
      ['company_name'],
    );
    expect(merged.data.company_name).toBe('Acme Ltd');
    expect(merged.sources.company_name).toBe('strong');
    expect(merged.confidence.company_name).toBe(0.88);
  });

  it('compares e-mails and domains through their normalisers', () => {
    const merged = mergeAnswers(
      [
        {
          provider: 'a',
          fields: { business_email: 'Jane@Acme.com', company_domain: 'https://www.acme.com/' },
        },
        { provider: 'b', fields: { business_email: 'jane@acme.com ', company_domain: 'shop.acme.com' } },
        {
          provider: 'c',
          fields: { business_email: 'j.doe@acme.com', company_domain: 'acme.io' },
          confidence: { business_email: 0.85, company_domain: 0.85 },
        },
      ],
      ['business_email', 'company_domain'],
    );
    // 1 - 0.3 × 0.3 = 0.91 > 0.85 for both fields
    expect(merged.data).toEqual({ business_email: 'Jane@Acme.com', company_domain: 'https://www.acme.com/' });
    expect(merged.confidence).toEqual({ business_email: 0.91, company_domain: 0.91 });
  });

  it('compares phones and LinkedIn URLs through their normalisers', () => {
    const merged = mergeAnswers(
      [
        {
          provider: 'a',
          fields: { mobile_phone: '+44 7400 123456', linkedin_url: 'linkedin.com/in/Jane-Doe/' },
        },
        {
          provider: 'b',
          fields: { mobile_phone: '+447400123456', linkedin_url: 'https://www.linkedin.com/in/jane-doe' },
        },
      ],
      ['mobile_phone', 'linkedin_url'],
    );
    expect(merged.confidence).toEqual({ mobile_phone: 0.91, linkedin_url: 0.91 });
  });

  it('does not merge values that differ after normalisation', () => {
    const merged = mergeAnswers(
      [
        { provider: 'a', fields: { city: 'Leeds' } },
        { provider: 'b', fields: { city: 'Leeds Bradford' } },
      ],
      ['city'],
    );
    expect(merged.confidence.city).toBe(0.7);
  });

  it('compares numbers by value (a numeric string agrees) and lists as sets', () => {
    const merged = mergeAnswers(
      [
        { provider: 'a', fields: { company_size: 250, technologies: ['React', 'AWS'] } },
        { provider: 'b', fields: { company_size: ' 250', technologies: ['aws', 'react', 'AWS'] } },
        {
          provider: 'c',
          fields: { company_size: 251, technologies: ['aws'] },
          confidence: { company_size: 0.9, technologies: 0.9 },
        },
      ],
      ['company_size', 'technologies'],
    );
    expect(merged.data).toEqual({ company_size: 250, technologies: ['React', 'AWS'] });
    expect(merged.sources).toEqual({ company_size: 'a', technologies: 'a' });
    expect(merged.confidence).toEqual({ company_size: 0.91, technologies: 0.91 });
  });

  it('compares objects by their entries, whatever their key order', () => {
    const merged = mergeAnswers(
      [
        { provider: 'a', fields: { location: { city: 'Leeds', country: 'GB' } } },
        { provider: 'b', fields: { location: { country: 'gb', city: 'LEEDS' } } },
        {
          provider: 'c',
          fields: { location: { city: 'York', country: 'GB' } },
          confidence: { location: 0.9 },
        },
      ],
      ['location'],
    );
    expect(merged.data.location).toEqual({ city: 'Leeds', country: 'GB' });
    expect(merged.confidence.location).toBe(0.91);
  });

  it('rounds confidences to 2 decimals', () => {
    const merged = mergeAnswers(
      [
        { provider: 'a', fields: { city: 'Leeds' }, confidence: { city: 0.333 } },
        { provider: 'b', fields: { city: 'leeds' }, confidence: { city: 0.444 } },
      ],
      ['city'],
    );
    // 1 - 0.667 × 0.556 = 0.629148
    expect(merged.confidence.city).toBe(0.63);
  });

  it('returns empty maps for no answers and no fields', () => {
    expect(mergeAnswers([], null)).toEqual({ data: {}, sources: {}, confidence: {} });
    expect(mergeAnswers([], ['title'])).toEqual({ data: { title: null }, sources: {}, confidence: {} });
  });

  it('does not modify the answers', () => {
    const answers: ProviderAnswer[] = [{ provider: 'a', fields: { technologies: ['b', 'a'] } }];
    const copy = structuredClone(answers);
    mergeAnswers(answers, null);
    expect(answers).toEqual(copy);
  });
});

describe('mergeAnswers (phone_extension)', () => {
  const fields = ['phone', 'phone_extension'];

  it('gives the extension of the number that won, never one given with another number', () => {
    const merged = mergeAnswers(
      [
        {
          provider: 'a',
          fields: { phone: '+442079460958', phone_extension: '123' },
          confidence: { phone: 0.5 },
        },
        {
          provider: 'b',
          fields: { phone: '+447400123456', phone_extension: null },
          confidence: { phone: 0.9 },
        },
      ],
      fields,
    );
    expect(merged.data).toEqual({ phone: '+447400123456', phone_extension: null });
    expect(merged.sources).toEqual({ phone: 'b' });
  });

  it('keeps the extension when the same number comes with and without one', () => {
    const merged = mergeAnswers(
      [
        {
          provider: 'a',
          fields: { phone: '+442079460958', phone_extension: null },
          confidence: { phone: 0.9 },
        },
        {
          provider: 'b',
          fields: { phone: '+44 20 7946 0958', phone_extension: '123' },
          confidence: { phone: 0.6 },
        },
      ],
      fields,
    );
    expect(merged.data).toEqual({ phone: '+442079460958', phone_extension: '123' });
    expect(merged.sources).toEqual({ phone: 'a', phone_extension: 'b' });
    // The extension is as sure as the number it goes with.
    expect(merged.confidence.phone_extension).toBe(merged.confidence.phone);
  });

  it("gives the surest witness's extension when the same number comes with two", () => {
    const merged = mergeAnswers(
      [
        {
          provider: 'a',
          fields: { phone: '+442079460958', phone_extension: '123' },
          confidence: { phone: 0.6 },
        },
        {
          provider: 'b',
          fields: { phone: '+442079460958', phone_extension: '456' },
          confidence: { phone: 0.9 },
        },
      ],
      fields,
    );
    expect(merged.data).toEqual({ phone: '+442079460958', phone_extension: '456' });
    expect(merged.sources).toEqual({ phone: 'b', phone_extension: 'b' });
  });

  it('answers phone_extension asked alone, from the number that would win', () => {
    const merged = mergeAnswers(
      [
        { provider: 'a', fields: { phone: '+442079460958', phone_extension: '123' } },
        { provider: 'b', fields: { phone: '+442079460958' } },
      ],
      ['phone_extension'],
    );
    expect(merged.data).toEqual({ phone_extension: '123' });
  });
});
