import { BadRequestException, ConflictException } from '@nestjs/common';
import { messagesOf } from '../http-errors';
import {
  COMPANY_NUMBER_HINT,
  missingIdentifiers,
  normalizeCompanyNumber,
  normalizeDomain,
  normalizeEmail,
  normalizeLinkedinUrl,
  normalizePhone,
  REQUEST_INPUT_FIELDS,
  REQUEST_OPTION_NAMES,
  ENRICH_FIELDS,
  unreachableFields,
  type EnrichField,
  type RequestInput,
  type RequestOptions,
  type RequestType,
  characterNotInAName,
  hasLetterOrDigit,
  nameSpaces,
  invisibleCharacterIn,
  naturalNameOrder,
} from '@sluice/enrichment';

const MAX_TEXT = 300;

function text(field: string, raw: unknown): string {
  if (typeof raw !== 'string') {
    throw new BadRequestException(`input.${field} must be a string`);
  }
  const value = raw.trim().replace(/\s+/g, ' ');
  if (value.length === 0) {
    throw new BadRequestException(`input.${field} must not be empty`);
  }
  if (value.length > MAX_TEXT) {
    throw new BadRequestException(`input.${field} is longer than ${MAX_TEXT} characters`);
  }
  return value;
}

/**
 * A name's letters and digits in Unicode's compatibility form (NFKC, as RFC 8266 compares
 * nicknames), the rest composed (NFC). NFKC of a whole name would also spell its symbols out as
 * letters (`Acme™` as `AcmeTM`, `№ 5` as `No 5`, `x²` as `x2`): stored, shown and sent to the
 * providers so, which nobody wrote. The cache key still folds those (see `cacheKeyOf`).
 */
function foldedLetters(text: string): string {
  return text.normalize('NFC').replace(/[\p{L}\p{M}\p{Nd}]+/gu, (run) => run.normalize('NFKC'));
}

/**
 * A person's or company's name: text, and at least one letter or digit in it. Every route a name
 * enters by (jobs, bulk, enrich, batches, CSV imports) reads it here. Its letters are read in
 * Unicode's compatibility form (see {@link foldedLetters}): `é` typed as one character or as `e`
 * and a combining accent, and full-width letters (`Ｊｏｓé`), are the letters they show, so one name
 * is one question to the providers, the cache and the store, not one paid for each spelling.
 */
function name(field: string, raw: unknown): string {
  const value = nameSpaces(text(field, typeof raw === 'string' ? foldedLetters(raw) : raw));
  const unwritable = characterNotInAName(value);
  if (unwritable) {
    throw new BadRequestException(
      `input.${field} ${JSON.stringify(value)} holds an invisible or control character (${unwritable}), which no name holds`,
    );
  }
  if (!hasLetterOrDigit(value)) {
    throw new BadRequestException(
      `input.${field} ${JSON.stringify(value)} is not a name: it holds no letter or digit`,
    );
  }
  return value;
}

function normalised(
  field: string,
  raw: unknown,
  normalise: (v: string) => string | null,
  what: string,
): string {
  const given = text(field, raw);
  const value = normalise(given);
  if (!value) {
    const invisible = invisibleCharacterIn(given);
    throw new BadRequestException(
      `input.${field} ${JSON.stringify(raw)} is not ${what}${invisible ? `: it holds an invisible or control character (${invisible})` : ''}`,
    );
  }
  return value;
}

/**
 * Validates and normalises a job's `input` for its type. Unknown fields are refused rather than
 * ignored, so a typo never silently changes what is looked up (and paid for).
 */
export function parseJobInput(type: RequestType, input: Record<string, unknown>): RequestInput {
  const allowed: readonly string[] = REQUEST_INPUT_FIELDS[type];
  const unknown = Object.keys(input).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new BadRequestException(
      `input has unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}; ${type} accepts: ${allowed.join(', ')}`,
    );
  }
  const parsed: RequestInput = {};
  for (const [field, raw] of Object.entries(input)) {
    if (raw === undefined || raw === null || raw === '') {
      continue;
    }
    switch (field) {
      case 'company_number': {
        const value = normalizeCompanyNumber(raw);
        if (!value) {
          throw new BadRequestException(
            `input.company_number ${JSON.stringify(raw)} is not a company number: ${COMPANY_NUMBER_HINT}`,
          );
        }
        parsed.company_number = value;
        break;
      }
      case 'email':
        parsed.email = normalised(field, raw, normalizeEmail, 'an e-mail address');
        break;
      case 'domain':
        parsed.domain = normalised(field, raw, normalizeDomain, 'a domain (e.g. example.com)');
        break;
      case 'linkedin_url':
        parsed.linkedin_url = normalised(
          field,
          raw,
          normalizeLinkedinUrl,
          'a LinkedIn profile URL (https://www.linkedin.com/in/…)',
        );
        break;
      case 'phone':
        // An extension written with the number (`… ext. 123`) is accepted and left out: people are
        // looked up (and cached, and stored) by the number, which is the same line whatever the
        // extension dialled after it.
        parsed.phone = normalised(
          field,
          raw,
          (v) => normalizePhone(v),
          // A number without a country code is read as a UK one (the register's country), so a
          // caller who wrote another country's number in its national form is told how to write it.
          typeof raw === 'string' && !/^\s*(\+|00)/.test(raw)
            ? 'a phone number: one without + is read as a UK number; write another country’s with its code, as +1 415 555 0133'
            : 'a phone number',
        );
        break;
      case 'company_name':
      case 'first_name':
      case 'last_name':
        parsed[field] = name(field, raw);
        break;
      case 'full_name':
        // "White, Andrew" is looked up (and cached, and stored) as "Andrew White".
        parsed.full_name = naturalNameOrder(name(field, raw));
        break;
    }
  }
  const missing = missingIdentifiers(type, parsed);
  if (missing) {
    throw new BadRequestException(missing);
  }
  return parsed;
}

/** The most `options.max_age_days` accepts: ten years, as far back as `since_days`. */
export const MAX_AGE_DAYS = 3650;

/** Validates `options`: known names only, each of its type. */
export function parseJobOptions(raw: Record<string, unknown> | undefined): RequestOptions {
  if (raw === undefined) {
    return {};
  }
  const unknown = Object.keys(raw).filter(
    (key) => !(REQUEST_OPTION_NAMES as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    throw new BadRequestException(
      `options has unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}; accepted: ${REQUEST_OPTION_NAMES.join(', ')}`,
    );
  }
  const options: RequestOptions = {};
  for (const name of ['verify', 'accept_catch_all', 'wait_for_credits'] as const) {
    if (raw[name] !== undefined) {
      if (typeof raw[name] !== 'boolean') {
        throw new BadRequestException(`options.${name} must be true or false`);
      }
      options[name] = raw[name];
    }
  }
  if (raw.phone_type !== undefined) {
    if (raw.phone_type !== 'mobile' && raw.phone_type !== 'any') {
      throw new BadRequestException('options.phone_type must be mobile or any');
    }
    options.phone_type = raw.phone_type;
  }
  if (raw.max_age_days !== undefined) {
    const days = raw.max_age_days;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > MAX_AGE_DAYS) {
      throw new BadRequestException(`options.max_age_days must be a whole number from 0 to ${MAX_AGE_DAYS}`);
    }
    options.max_age_days = days;
  }
  if (raw.fields !== undefined) {
    options.fields = parseEnrichFields(raw.fields, 'options.fields');
  }
  return options;
}

/**
 * The fields an `enrich` request asks for: a non-empty list of names from {@link ENRICH_FIELDS},
 * each once (duplicates are dropped, order kept). `where` names the parameter in messages.
 */
export function parseEnrichFields(raw: unknown, where: string): EnrichField[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new BadRequestException(
      `${where} must be a non-empty list of fields, from: ${ENRICH_FIELDS.join(', ')}`,
    );
  }
  const unknown = raw.filter((field) => !(ENRICH_FIELDS as readonly unknown[]).includes(field));
  if (unknown.length > 0) {
    throw new BadRequestException(
      `${where} has unknown field(s) ${unknown.map((field) => JSON.stringify(field)).join(', ')}; known fields: ${ENRICH_FIELDS.join(', ')}`,
    );
  }
  return [...new Set(raw as EnrichField[])];
}

/**
 * A job's input and options, checked together: for `enrich`, the fields are required and each must
 * be reachable from the identifiers given (a field nothing could find is refused before it costs).
 */
export function parseJobRequest(
  type: RequestType,
  rawInput: Record<string, unknown>,
  rawOptions: Record<string, unknown> | undefined,
): { input: RequestInput; options: RequestOptions } {
  const input = parseJobInput(type, rawInput);
  const options = parseJobOptionsFor(type, rawOptions);
  assertOptionsReachable(input, options);
  return { input, options };
}

/**
 * `options` as {@link parseJobOptions} reads them, and as the type takes them: `enrich` needs its
 * fields, no other type has any. What holds for every job of a type, whatever its input: a CSV
 * import checks it once, for all its rows.
 */
export function parseJobOptionsFor(
  type: RequestType,
  rawOptions: Record<string, unknown> | undefined,
): RequestOptions {
  const options = parseJobOptions(rawOptions);
  if (type === 'enrich') {
    if (!options.fields) {
      throw new BadRequestException(
        `enrich needs options.fields, a list of fields from: ${ENRICH_FIELDS.join(', ')}`,
      );
    }
  } else if (options.fields) {
    throw new BadRequestException(`options.fields applies to enrich only, not to ${type}`);
  }
  return options;
}

/**
 * Refuses a job whose input cannot reach the fields its options ask for (`enrich`); the part of
 * {@link parseJobRequest} that depends on each job's input, so on each row of an import.
 */
export function assertOptionsReachable(input: RequestInput, options: RequestOptions): void {
  if (options.fields) {
    assertReachable(input, options.fields);
  }
}

/** Refuses fields the identifiers cannot reach, naming each and what it needs. */
export function assertReachable(input: RequestInput, fields: readonly string[]): void {
  const unreachable = unreachableFields(input, fields);
  if (unreachable.length > 0) {
    throw new BadRequestException(
      unreachable.map(
        ({ field, needs }) => `${field} cannot be looked up from the identifiers given: it needs ${needs}`,
      ),
    );
  }
}

/**
 * A job's input as this version reads it. It was checked when the job came in, but by the version
 * running then: one that accepted what this one refuses (a name of punctuation only, say) stored
 * it, and running it again would pay for a lookup a new job could not ask for.
 */
export function storedInputOf(id: string, type: RequestType, stored: Record<string, unknown>): RequestInput {
  try {
    return parseJobInput(type, stored);
  } catch (error) {
    if (error instanceof BadRequestException) {
      throw new ConflictException(
        `Job ${id} cannot be retried: its input is no longer accepted (${messagesOf(error).join('; ')}). Send a new job with a corrected input.`,
      );
    }
    throw error;
  }
}
