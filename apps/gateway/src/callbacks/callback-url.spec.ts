import { plainToInstance } from 'class-transformer';
import { IsOptional, validate } from 'class-validator';
import { CALLBACK_URL_MAX_LENGTH, callbackUrlProblem, IsCallbackUrl } from './callback-url';

const TOO_LONG = 'callback_url must be shorter than or equal to 2048 characters';
const NOT_A_URL = 'callback_url must be an http(s) URL';
const urlOfLength = (length: number): string => {
  const base = 'https://crm.example.com/hooks/';
  return base + 'a'.repeat(length - base.length);
};

class WithCallback {
  @IsOptional()
  @IsCallbackUrl()
  callback_url?: unknown;
}

describe('callbackUrlProblem', () => {
  it('takes http(s) URLs up to 2048 characters, local hosts included (their addresses are checked later)', () => {
    for (const url of [
      'https://crm.example.com/hooks/sluice?tenant=4',
      'http://localhost:3000/hooks',
      'http://127.0.0.1:8080/x',
      'https://[::1]/x',
      urlOfLength(CALLBACK_URL_MAX_LENGTH),
    ]) {
      expect({ url: url.slice(0, 50), problem: callbackUrlProblem(url) }).toEqual({
        url: url.slice(0, 50),
        problem: null,
      });
    }
  });

  it('refuses a longer one by its length, however long (validator alone calls it not a URL past 2084)', () => {
    expect(callbackUrlProblem(urlOfLength(CALLBACK_URL_MAX_LENGTH + 1))).toBe(TOO_LONG);
    expect(callbackUrlProblem(urlOfLength(5_020))).toBe(TOO_LONG);
  });

  it('refuses what is not an http(s) URL', () => {
    for (const value of [
      'not a url',
      'ftp://x.example.com',
      'https://crm_hooks/x',
      'crm.example.com/hooks',
      '',
      7,
      null,
    ]) {
      expect({ value, problem: callbackUrlProblem(value) }).toEqual({ value, problem: NOT_A_URL });
    }
  });

  it('gives a DTO the same answer, as its one message', async () => {
    const check = async (value: unknown): Promise<string[]> =>
      (await validate(plainToInstance(WithCallback, { callback_url: value }))).flatMap((error) =>
        Object.values(error.constraints ?? {}),
      );
    expect(await check('https://crm.example.com/hooks')).toEqual([]);
    expect(await check(urlOfLength(5_020))).toEqual([TOO_LONG]);
    expect(await check('ftp://x.example.com')).toEqual([NOT_A_URL]);
  });
});
