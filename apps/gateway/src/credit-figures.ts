import { ValidateBy } from 'class-validator';

/**
 * Whether a credit figure fits PostgreSQL's columns for it (numeric with 4 decimals). A finer one
 * (1e-7) would be stored as another figure (0) without a word, so it is refused instead.
 */
export function fitsCreditColumn(value: number): boolean {
  return Number.isFinite(value) && Number(value.toFixed(4)) === value;
}

/**
 * {@link fitsCreditColumn} as a DTO check. Not class-validator's `maxDecimalPlaces`: it throws (a
 * 500) on a number JavaScript writes in exponent form, such as 1e-7.
 */
export function FitsCreditColumn(field: string): PropertyDecorator {
  return ValidateBy(
    {
      name: 'fitsCreditColumn',
      validator: { validate: (value: unknown) => typeof value !== 'number' || fitsCreditColumn(value) },
    },
    { message: `${field} must have at most 4 decimal places` },
  );
}
