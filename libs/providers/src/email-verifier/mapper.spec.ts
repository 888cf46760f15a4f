import sample from './__fixtures__/check-email.response.200.invalid.json';
import { mapReacherVerdict } from './mapper';
import type { ReacherCheckEmailOutput } from './types';

const output = (is_reachable: string, isCatchAll = false): ReacherCheckEmailOutput =>
  ({
    ...sample,
    input: 'Jane@Acme.io',
    is_reachable,
    smtp: { ...sample.smtp, is_catch_all: isCatchAll },
  }) as ReacherCheckEmailOutput;

describe("Reacher's verdicts", () => {
  it('reads the README example as invalid, keeping the raw verdict', () => {
    expect(mapReacherVerdict(sample as ReacherCheckEmailOutput)).toEqual({
      email: 'someone@gmail.com',
      verdict: 'invalid',
      rawVerdict: 'invalid',
    });
  });

  it.each([
    ['safe', false, 'valid'],
    ['invalid', false, 'invalid'],
    ['risky', true, 'catch_all'],
    ['risky', false, 'risky'],
    ['unknown', false, 'unknown'],
  ])('maps %s (catch-all %s) to %s', (reachable, catchAll, verdict) => {
    expect(mapReacherVerdict(output(reachable, catchAll))).toEqual({
      email: 'jane@acme.io',
      verdict,
      rawVerdict: reachable,
    });
  });

  it('treats a failed SMTP check as not catch-all', () => {
    const failed = {
      ...output('risky'),
      smtp: { type: 'SmtpError', message: 'timeout' },
    } as ReacherCheckEmailOutput;
    expect(mapReacherVerdict(failed).verdict).toBe('risky');
  });
});
