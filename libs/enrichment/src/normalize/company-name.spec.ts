import { canonicalCompanyName } from './company-name';

describe('canonicalCompanyName', () => {
  it('makes one key of the spellings of one company', () => {
    const acme = canonicalCompanyName('Acme Ltd');
    for (const spelling of ['ACME LIMITED', 'Acme Ltd.', '  acme   ltd ', 'Acme, Limited']) {
      expect(canonicalCompanyName(spelling)).toBe(acme);
    }
    expect(acme).toBe('acme ltd');
    expect(canonicalCompanyName('Smith & Sons plc')).toBe(
      canonicalCompanyName('Smith and Sons Public Limited Company'),
    );
    expect(canonicalCompanyName('Widgets, L.L.C.')).toBe(
      canonicalCompanyName('Widgets Limited Liability Company'),
    );
    expect(canonicalCompanyName('Globex Corporation')).toBe('globex corp');
    expect(canonicalCompanyName('Initech Incorporated')).toBe(canonicalCompanyName('Initech, Inc.'));
    expect(canonicalCompanyName('Société Générale')).toBe(canonicalCompanyName('SOCIETE GENERALE'));
    expect(canonicalCompanyName('Müller GmbH')).toBe(
      canonicalCompanyName('Muller Gesellschaft mit beschränkter Haftung'),
    );
  });

  it('keeps apart the names of what may be other companies', () => {
    expect(canonicalCompanyName('Acme Inc')).not.toBe(canonicalCompanyName('Acme Ltd'));
    expect(canonicalCompanyName('Acme Holdings Ltd')).not.toBe(canonicalCompanyName('Acme Ltd'));
    expect(canonicalCompanyName('Acme')).not.toBe(canonicalCompanyName('Acme Ltd'));
  });

  it('changes only whole words', () => {
    expect(canonicalCompanyName('Limitedless Co')).toBe('limitedless co');
    expect(canonicalCompanyName('The Incorporated Society of Musicians')).toBe(
      'the inc society of musicians',
    );
  });
});
