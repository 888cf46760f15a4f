import {
  cookieValue,
  SESSION_TTL_MS,
  sessionCookie,
  signSession,
  verifiedSession,
  verifySession,
} from './session';

const TOKEN = 'admin-token-0123456789abcdefghij';

describe('dashboard sessions', () => {
  it('accepts its own signature until it expires', () => {
    const now = 1_800_000_000_000;
    const { value, expiresAt } = signSession(TOKEN, now);
    expect(expiresAt).toBe(now + SESSION_TTL_MS);
    expect(verifySession(value, TOKEN, now + 1000)).toBe(true);
    expect(verifySession(value, TOKEN, expiresAt)).toBe(false);
  });

  it('never contains the admin token, and differs per login', () => {
    expect(signSession(TOKEN).value).not.toContain(TOKEN);
    expect(signSession(TOKEN, 1).value).not.toBe(signSession(TOKEN, 1).value);
  });

  it('hands back the signature of a valid session (what logout revokes)', () => {
    const { value, expiresAt } = signSession(TOKEN, 1000);
    expect(verifiedSession(value, TOKEN, 1000)).toEqual({ expiresAt, signature: value.split('.')[3] });
    expect(verifiedSession(value, 'another-token-0123456789abcdef', 1000)).toBeNull();
  });

  it('refuses another token’s signature, a changed expiry and garbage', () => {
    const now = 1_800_000_000_000;
    const { value, expiresAt } = signSession(TOKEN, now);
    expect(verifySession(value, `${TOKEN}x`, now)).toBe(false);
    const extended = value.replace(String(expiresAt), String(expiresAt + 3_600_000));
    expect(verifySession(extended, TOKEN, now)).toBe(false);
    expect(verifySession(undefined, TOKEN, now)).toBe(false);
    expect(verifySession('v1.abc.def', TOKEN, now)).toBe(false);
    expect(verifySession(TOKEN, TOKEN, now)).toBe(false);
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(cookieValue('a=1; sluice_dashboard=v1.2.x; b=3', 'sluice_dashboard')).toBe('v1.2.x');
    expect(cookieValue('a=1', 'sluice_dashboard')).toBeUndefined();
    expect(cookieValue(undefined, 'sluice_dashboard')).toBeUndefined();
  });

  it('sets an HttpOnly, SameSite=Strict cookie and clears it', () => {
    const set = sessionCookie(signSession(TOKEN), false);
    expect(set).toMatch(
      /^sluice_dashboard=v1\.\d+\.[\w-]{22}\.[\w-]{43}; Max-Age=\d+; Path=\/dashboard; HttpOnly; SameSite=Strict$/,
    );
    expect(sessionCookie(null, true)).toBe(
      'sluice_dashboard=; Max-Age=0; Path=/dashboard; HttpOnly; SameSite=Strict; Secure',
    );
  });
});
