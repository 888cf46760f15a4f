import { BadRequestException } from '@nestjs/common';
import { type CredentialProvider, type CredentialValues, PROVIDER_CREDENTIAL_FIELDS } from '@sluice/config';

const MAX_LENGTH = 1000;

/** The fields `provider` takes in `PUT /v1/providers/:name/credentials`. */
export function credentialFieldsOf(provider: CredentialProvider): string[] {
  return PROVIDER_CREDENTIAL_FIELDS[provider].map((field) => field.name);
}

/**
 * A credentials body for `provider`: exactly its fields, each a non-empty string without spaces or
 * control characters. Checked by hand rather than with a class-validator DTO because which fields
 * are allowed depends on the provider named in the path. A 400 names every problem, never a value.
 */
export function parseCredentialsBody(provider: CredentialProvider, body: unknown): CredentialValues {
  const fields = credentialFieldsOf(provider);
  const expected = fields.join(', ');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException(`The body must be a JSON object with ${expected} for ${provider}.`);
  }
  const given = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const name of Object.keys(given)) {
    if (!fields.includes(name)) {
      problems.push(`${name} is not a ${provider} credential (it takes ${expected})`);
    }
  }
  const values: CredentialValues = {};
  for (const name of fields) {
    const value = given[name];
    if (value === undefined || value === null) {
      problems.push(`${name} is required`);
    } else if (typeof value !== 'string') {
      problems.push(`${name} must be a string`);
    } else if (value.trim() === '') {
      problems.push(`${name} must not be empty`);
    } else if (value.length > MAX_LENGTH) {
      problems.push(`${name} must be at most ${MAX_LENGTH} characters`);
    } else if (/[\s\p{Cc}]/u.test(value)) {
      // Sent in a header or a form field: whitespace is a pasting mistake, never part of a key.
      problems.push(`${name} must not contain spaces, line breaks or control characters`);
    } else if (/[^\x21-\x7e]/.test(value)) {
      // A header carries Latin-1 at most, and no provider's key is anything but ASCII: a call with
      // such a value failed in the worker before anything was sent, was counted as charged (a
      // broken connection), and tripped the provider's circuit for every workspace.
      problems.push(`${name} must be ASCII: letters, digits and punctuation`);
    } else {
      values[name] = value;
    }
  }
  if (problems.length > 0) {
    throw new BadRequestException(problems);
  }
  return values;
}

/**
 * A short hint to tell credentials apart without revealing them: the last four characters of the
 * first field (the key, or Snov.io's client id), or none of it when the value is too short for
 * four characters to be a small share of it.
 */
export function fingerprintOf(provider: CredentialProvider, values: CredentialValues): string {
  const first = values[credentialFieldsOf(provider)[0]] ?? '';
  return first.length >= 16 ? `…${first.slice(-4)}` : '…';
}
