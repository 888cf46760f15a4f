import {
  closedForEnrichmentReason,
  isClosedForEnrichment,
  isDissolved,
  isProposedForStrikeOff,
  type CompanyStatusFields,
} from './company-status';

function company(status: string, statusDetail: string | null = null): CompanyStatusFields {
  return { status, statusDetail };
}

describe('isDissolved', () => {
  it('is true only for the dissolved status', () => {
    expect(isDissolved(company('dissolved'))).toBe(true);
    expect(isDissolved(company('active'))).toBe(false);
    expect(isDissolved(company('liquidation'))).toBe(false);
  });

  it('tolerates case and padding in the status', () => {
    expect(isDissolved(company(' Dissolved '))).toBe(true);
  });
});

describe('isProposedForStrikeOff', () => {
  it('is true for an active company whose detail is active-proposal-to-strike-off', () => {
    expect(isProposedForStrikeOff(company('active', 'active-proposal-to-strike-off'))).toBe(true);
  });

  it('is false for an active company with no detail or another detail', () => {
    expect(isProposedForStrikeOff(company('active'))).toBe(false);
    expect(isProposedForStrikeOff(company('active', 'converted-to-plc'))).toBe(false);
  });

  it('does not treat active-proposal-to-strike-off as a status value', () => {
    expect(isProposedForStrikeOff(company('active-proposal-to-strike-off'))).toBe(false);
  });

  it('is false when the detail is set but the company is no longer active', () => {
    expect(isProposedForStrikeOff(company('dissolved', 'active-proposal-to-strike-off'))).toBe(false);
  });
});

describe('isClosedForEnrichment', () => {
  it.each(['dissolved', 'converted-closed', 'closed', 'removed'])('closes a %s company', (status) => {
    expect(isClosedForEnrichment(company(status))).toBe(true);
    expect(closedForEnrichmentReason(company(status))).toBe(status);
  });

  it('closes an active company proposed for strike-off, naming that reason', () => {
    expect(isClosedForEnrichment(company('active', 'active-proposal-to-strike-off'))).toBe(true);
    expect(closedForEnrichmentReason(company('active', 'active-proposal-to-strike-off'))).toBe(
      'proposed-strike-off',
    );
  });

  it.each([
    'active',
    'liquidation',
    'receivership',
    'administration',
    'voluntary-arrangement',
    'insolvency-proceedings',
    'open',
    'registered',
  ])('leaves a %s company open', (status) => {
    expect(isClosedForEnrichment(company(status))).toBe(false);
    expect(closedForEnrichmentReason(company(status))).toBeNull();
  });
});
