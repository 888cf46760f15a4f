/**
 * Calendar arithmetic on ISO dates (`YYYY-MM-DD`) in UTC. The world never reads the clock: every
 * date is derived from the seed and {@link WORLD_AS_OF}, so answers stay identical day after day.
 */

/** The day the world is a snapshot of. */
export const WORLD_AS_OF = '2025-06-30';

const DAY_MS = 86_400_000;

export function toDayNumber(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  return fromDayNumber(toDayNumber(iso) + days);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Adds months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
  const [year, month, day] = iso.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  const newYear = Math.floor(index / 12);
  const newMonth = (index % 12) + 1;
  const newDay = Math.min(day, daysInMonth(newYear, newMonth));
  return `${newYear}-${pad2(newMonth)}-${pad2(newDay)}`;
}

export function addYears(iso: string, years: number): string {
  return addMonths(iso, years * 12);
}

/** The `day`/`month` date in `year`, clamped to the month's length. */
export function dateIn(year: number, month: number, day: number): string {
  return `${year}-${pad2(month)}-${pad2(Math.min(day, daysInMonth(year, month)))}`;
}

export function yearOf(iso: string): number {
  return Number(iso.slice(0, 4));
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * `5 February 2002` with the day space-padded to two characters, as Companies House search
 * descriptions print it (`"Incorporated on  5 February 2002"`).
 */
export function longDate(iso: string): string {
  const [year, month, day] = iso.split('-').map(Number);
  return `${String(day).padStart(2, ' ')} ${MONTHS[month - 1]} ${year}`;
}
