import { countsAgainstCircuit, ProviderError, type ProviderErrorKind } from './errors';

function error(kind: ProviderErrorKind): ProviderError {
  return new ProviderError({ provider: 'companies-house', kind, message: `${kind} happened` });
}

describe('ProviderError', () => {
  it.each<ProviderErrorKind>(['rate_limited', 'unavailable', 'timeout'])('is retryable when %s', (kind) => {
    expect(error(kind).retryable).toBe(true);
  });

  it.each<ProviderErrorKind>([
    'bad_request',
    'unauthorized',
    'forbidden',
    'not_found',
    'out_of_credits',
    'invalid_response',
  ])('is not retryable when %s', (kind) => {
    expect(error(kind).retryable).toBe(false);
  });

  it('defaults the optional details to null', () => {
    const plain = error('not_found');
    expect([plain.status, plain.retryAfterMs, plain.call, plain.body]).toEqual([null, null, null, null]);
    expect(plain.maybeDelivered).toBe(false);
  });

  it('is an Error named ProviderError that keeps its message and cause', () => {
    const cause = new Error('socket hang up');
    const wrapped = new ProviderError({
      provider: 'companies-house',
      kind: 'unavailable',
      message: 'down',
      cause,
      status: 503,
      retryAfterMs: 5_000,
    });
    expect(wrapped).toBeInstanceOf(Error);
    expect(wrapped.name).toBe('ProviderError');
    expect(wrapped.message).toBe('down');
    expect(wrapped.cause).toBe(cause);
    expect([wrapped.status, wrapped.retryAfterMs]).toEqual([503, 5_000]);
  });
});

describe('countsAgainstCircuit', () => {
  it.each<ProviderErrorKind>(['unavailable', 'timeout'])('counts %s: the provider is failing', (kind) => {
    expect(countsAgainstCircuit(kind)).toBe(true);
  });

  it.each<ProviderErrorKind>(['rate_limited', 'out_of_credits'])(
    'does not count %s: back-off or the credit pause holds the provider back',
    (kind) => {
      expect(countsAgainstCircuit(kind)).toBe(false);
    },
  );

  it.each<ProviderErrorKind>(['bad_request', 'unauthorized', 'forbidden', 'not_found', 'invalid_response'])(
    'does not count %s: an answer about the request or the account',
    (kind) => {
      expect(countsAgainstCircuit(kind)).toBe(false);
    },
  );
});
