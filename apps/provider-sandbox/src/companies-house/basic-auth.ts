const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;

/**
 * The API key from an `Authorization: Basic base64(key:)` header, as Companies House expects it
 * (the key is the user name; the password is empty and ignored). `null` when the header is missing,
 * not Basic, not valid base64, has no `:` separator or an empty user name.
 */
export function apiKeyFromBasicAuth(header: string | undefined): string | null {
  if (!header) {
    return null;
  }
  const match = BASIC.exec(header);
  if (!match) {
    return null;
  }
  const encoded = match[1];
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  // Node decodes sloppy base64 without complaint; a round trip tells real base64 from noise.
  if (Buffer.from(decoded, 'utf8').toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
    return null;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    return null;
  }
  const user = decoded.slice(0, colon);
  return user.trim() === '' ? null : user;
}
