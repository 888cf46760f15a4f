import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The dashboard's session cookie. */
export const SESSION_COOKIE = 'sluice_dashboard';

/** How long a dashboard login lasts. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/**
 * The key that signs sessions: derived from the admin token (so rotating the token ends every
 * session), never the token itself, which must not travel in a cookie.
 */
function sessionKey(adminToken: string): Buffer {
  return createHmac('sha256', adminToken).update('sluice dashboard session v1').digest();
}

function signatureOf(adminToken: string, expiresAt: number, nonce: string): string {
  return createHmac('sha256', sessionKey(adminToken)).update(`v1.${expiresAt}.${nonce}`).digest('base64url');
}

/**
 * A session value: `v1.<expiry in ms>.<nonce>.<HMAC-SHA256 of the rest>`. Hand-written (a dozen lines of
 * node:crypto) rather than a session library: there is no server-side state to keep, only an
 * expiring proof that the admin token was presented.
 */
export function signSession(
  adminToken: string,
  now: number = Date.now(),
): { value: string; expiresAt: number } {
  const expiresAt = now + SESSION_TTL_MS;
  // A nonce per login: each session has its own signature, so logging out revokes that one only.
  const nonce = randomBytes(16).toString('base64url');
  return { value: `v1.${expiresAt}.${nonce}.${signatureOf(adminToken, expiresAt, nonce)}`, expiresAt };
}

/**
 * The session's expiry and signature when `value` was signed with this admin token and has not
 * expired; null otherwise.
 */
export function verifiedSession(
  value: string | undefined,
  adminToken: string,
  now: number = Date.now(),
): { expiresAt: number; signature: string } | null {
  if (!value) {
    return null;
  }
  const match = /^v1\.(\d{1,15})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) {
    return null;
  }
  const expiresAt = Number(match[1]);
  if (!(expiresAt > now)) {
    return null;
  }
  const expected = Buffer.from(signatureOf(adminToken, expiresAt, match[2]));
  const given = Buffer.from(match[3]);
  return expected.length === given.length && timingSafeEqual(expected, given)
    ? { expiresAt, signature: match[3] }
    : null;
}

/** True when `value` was signed with this admin token and has not expired. */
export function verifySession(
  value: string | undefined,
  adminToken: string,
  now: number = Date.now(),
): boolean {
  return verifiedSession(value, adminToken, now) !== null;
}

/** One cookie's value from a Cookie header (no cookie-parser dependency for a single cookie). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) {
    return undefined;
  }
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      return part.slice(index + 1).trim();
    }
  }
  return undefined;
}

/** The Set-Cookie header for a session (or, with `null`, one that clears it). */
export function sessionCookie(session: { value: string; expiresAt: number } | null, secure: boolean): string {
  const attributes = ['Path=/dashboard', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
  if (session === null) {
    return [`${SESSION_COOKIE}=`, 'Max-Age=0', ...attributes].join('; ');
  }
  const maxAge = Math.max(0, Math.floor((session.expiresAt - Date.now()) / 1000));
  return [`${SESSION_COOKIE}=${session.value}`, `Max-Age=${maxAge}`, ...attributes].join('; ');
}
