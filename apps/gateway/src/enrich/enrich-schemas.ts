import { ENRICH_FIELDS } from '@sluice/enrichment';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ENRICH_IDENTIFIERS } from './enrich-input';

/** The OpenAPI schemas of what POST /v1/enrich, /v1/enrich/enqueue and POST /v1/batches share. */
export const OPTIONS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    accept_catch_all: { type: 'boolean' },
    phone_type: { type: 'string', enum: ['mobile', 'any'] },
    wait_for_credits: { type: 'boolean' },
    max_age_days: { type: 'integer', minimum: 0, maximum: 3650 },
  },
  description: 'accept_catch_all, phone_type, wait_for_credits, max_age_days (0–3650)',
};

export const FIELDS_SCHEMA: SchemaObject = {
  type: 'array',
  items: { type: 'string', enum: [...ENRICH_FIELDS] },
};

/** What an identifier's schema says beyond being a string. */
const IDENTIFIER_DESCRIPTIONS: Partial<Record<string, string>> = {
  phone:
    'A phone number, with its country code (`+1 415 555 0133`) or a UK one without. An extension written with it (`+44 20 7946 0958 ext. 123`, `x123`) is accepted and ignored: the person is looked up by the number.',
};

/** The identifiers of a person or company to enrich, each a string. */
export const IDENTIFIERS_SCHEMA: Record<string, SchemaObject> = Object.fromEntries(
  ENRICH_IDENTIFIERS.map((name) => {
    const description = IDENTIFIER_DESCRIPTIONS[name];
    return [name, description ? { type: 'string', description } : { type: 'string' }];
  }),
);
