import { QueryFailedError } from 'typeorm';

/**
 * Whether a query failed on a unique index (PostgreSQL 23505), and, with `constraint`, on that
 * index: a concurrent writer got there first.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof QueryFailedError)) {
    return false;
  }
  const driverError = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return driverError?.code === '23505' && (constraint === undefined || driverError.constraint === constraint);
}
