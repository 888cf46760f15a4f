import { toDayNumber } from './dates';
import type { SeededRandom } from './prng';

/** Which register a company number belongs to (its prefix). */
export type NumberSeries = 'england-wales' | 'scotland' | 'northern-ireland' | 'llp';

/**
 * Roughly when each register reached each number. Companies House numbers rise with time, so a
 * simulated company's number is interpolated from its incorporation date: `07798925` belongs to
 * 2011, as it would on the real register.
 */
const NUMBER_HISTORY: Record<NumberSeries, readonly (readonly [string, number])[]> = {
  'england-wales': [
    ['1985-01-01', 1_870_000],
    ['1990-01-01', 2_450_000],
    ['1995-01-01', 3_000_000],
    ['2000-01-01', 3_900_000],
    ['2005-01-01', 5_320_000],
    ['2010-01-01', 7_110_000],
    ['2011-10-05', 7_798_925],
    ['2015-01-01', 9_360_000],
    ['2018-01-01', 11_130_000],
    ['2020-01-01', 12_380_000],
    ['2022-01-01', 13_830_000],
    ['2025-06-30', 16_500_000],
  ],
  scotland: [
    ['1985-01-01', 90_000],
    ['1999-01-01', 200_000],
    ['2006-01-01', 300_000],
    ['2011-06-01', 400_000],
    ['2015-06-01', 510_000],
    ['2018-06-01', 600_000],
    ['2021-06-01', 700_000],
    ['2025-06-30', 830_000],
  ],
  'northern-ireland': [
    ['1985-01-01', 18_000],
    ['2001-01-01', 40_000],
    ['2008-12-31', 73_000],
    ['2009-01-01', 600_000],
    ['2013-01-01', 615_000],
    ['2018-01-01', 650_000],
    ['2021-01-01', 675_000],
    ['2025-06-30', 720_000],
  ],
  // LLPs exist since 6 April 2001 (Limited Liability Partnerships Act 2000).
  llp: [
    ['2001-04-06', 300_001],
    ['2004-01-01', 306_000],
    ['2008-01-01', 333_000],
    ['2011-01-01', 360_000],
    ['2015-01-01', 395_000],
    ['2018-01-01', 420_000],
    ['2022-01-01', 440_000],
    ['2025-06-30', 455_000],
  ],
};

/** The first day a series can be used (LLPs did not exist before 2001). */
export function firstDateOf(series: NumberSeries): string {
  return NUMBER_HISTORY[series][0][0];
}

const PREFIX: Record<NumberSeries, string> = {
  'england-wales': '',
  scotland: 'SC',
  'northern-ireland': 'NI',
  llp: 'OC',
};

/** Formats of real company numbers, by series. */
export const COMPANY_NUMBER_FORMATS: Record<NumberSeries, RegExp> = {
  'england-wales': /^\d{8}$/,
  scotland: /^SC\d{6}$/,
  'northern-ireland': /^NI\d{6}$/,
  llp: /^OC\d{6}$/,
};

/**
 * Never issued in any world, so that tests (here and in other apps) always have a number that is
 * certainly not on the register.
 */
export const NEVER_ISSUED_COMPANY_NUMBERS: ReadonlySet<string> = new Set(['09999999', '00000000']);

function interpolate(series: NumberSeries, date: string): number {
  const history = NUMBER_HISTORY[series];
  const day = toDayNumber(date);
  for (let i = 1; i < history.length; i++) {
    const [toDate, toNumber] = history[i];
    const [fromDate, fromNumber] = history[i - 1];
    const from = toDayNumber(fromDate);
    const to = toDayNumber(toDate);
    if (day <= to) {
      const share = Math.max(0, (day - from) / (to - from));
      return Math.round(fromNumber + share * (toNumber - fromNumber));
    }
  }
  return history[history.length - 1][1];
}

/** Issues unique company numbers that fit each company's incorporation date. */
export class CompanyNumberIssuer {
  private readonly issued = new Set<string>(NEVER_ISSUED_COMPANY_NUMBERS);

  constructor(private readonly random: SeededRandom) {}

  issue(series: NumberSeries, dateOfCreation: string): string {
    const digits = series === 'england-wales' ? 8 : 6;
    const max = 10 ** digits - 1;
    let value = Math.min(
      max,
      Math.max(1, interpolate(series, dateOfCreation) + this.random.int(-1500, 1500)),
    );
    for (;;) {
      const number = `${PREFIX[series]}${String(value).padStart(digits, '0')}`;
      if (!this.issued.has(number)) {
        this.issued.add(number);
        return number;
      }
      // Taken: the next number up (wrapping at the top of the range) keeps the date plausible.
      value = value >= max ? 1 : value + 1;
    }
  }
}
