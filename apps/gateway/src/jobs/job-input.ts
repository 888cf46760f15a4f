import { BadRequestException } from '@nestjs/common';
import {
  COMPANY_NUMBER_HINT,
  normalizeCompanyNumber,
  type RequestInput,
  type RequestType,
} from '@sluice/enrichment';

const ALLOWED_FIELDS: Record<RequestType, readonly string[]> = {
  'company.profile': ['company_number'],
};

/**
 * Validates and normalises a job's `input` for its type. Unknown fields are refused rather than
 * ignored, so a typo never silently changes what is looked up (and paid for).
 */
export function parseJobInput(type: RequestType, input: Record<string, unknown>): RequestInput {
  const allowed: readonly string[] = ALLOWED_FIELDS[type];
  const unknown = Object.keys(input).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new BadRequestException(
      `input has unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}; ${type} accepts: ${allowed.join(', ')}`,
    );
  }
  switch (type) {
    case 'company.profile': {
      const raw = input.company_number;
      if (raw === undefined || raw === null || raw === '') {
        throw new BadRequestException('input.company_number is required for company.profile');
      }
      const companyNumber = normalizeCompanyNumber(raw);
      if (!companyNumber) {
        throw new BadRequestException(
          `input.company_number ${JSON.stringify(raw)} is not a company number: ${COMPANY_NUMBER_HINT}`,
        );
      }
      return { company_number: companyNumber };
    }
  }
}
