import { AstraDialerAdapter } from './astra-dialer';
import { nimbusOutcome } from './nimbus-lookup';
import { OrionConnectAdapter } from './orion-connect';
import { phonesOf } from './phone-provider';

/** A fetch answering every request with `body` (200). */
const answering =
  (body: unknown): typeof fetch =>
  () =>
    Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));

const options = (body: unknown) => ({ baseUrl: 'http://phones.test', apiKey: 'key', fetch: answering(body) });
const jane = { firstName: 'Jane', lastName: 'Doe', domain: 'acme.co.uk' };

describe('phone extensions', () => {
  it('phonesOf keeps an extension written with the number, or given beside it', () => {
    expect(
      phonesOf([
        ['+44 20 7946 0958 ext. 123', 'direct'],
        ['+442079460000', 'office', '45'],
        ['+447400123456', 'mobile', null],
      ]),
    ).toEqual([
      { number: '+442079460958', extension: '123', kind: 'direct', country: 'GB' },
      { number: '+442079460000', extension: '45', kind: 'office', country: 'GB' },
      { number: '+447400123456', extension: null, kind: 'mobile', country: 'GB' },
    ]);
  });

  it('phonesOf lists a number once, keeping the first extension any of its entries gives', () => {
    expect(
      phonesOf([
        ['+442079460958', 'office'],
        ['+44 20 7946 0958 x123', 'direct'],
        ['+44 20 7946 0958 x456', 'direct'],
      ]),
    ).toEqual([{ number: '+442079460958', extension: '123', kind: 'office', country: 'GB' }]);
  });

  it('Orion Connect: an extension with the E.164 number', async () => {
    const result = await new OrionConnectAdapter(
      options({
        phones: [{ number: '+442079460958;ext=123', line_type: 'landline', confidence: 0.8 }],
        credits_charged: 1,
      }),
    ).findPhone(jane);
    expect(result.data).toMatchObject({
      status: 'hit',
      data: [{ number: '+442079460958', extension: '123', kind: 'direct', country: 'GB' }],
    });
  });

  it('Astra Dialer: an extension with a number in national format', async () => {
    const result = await new AstraDialerAdapter(
      options({
        status: 'found',
        result: { mobile: null, direct: '020 7946 0958 x123', national_format: 'GB' },
      }),
    ).findPhone(jane);
    expect(result.data).toMatchObject({
      status: 'hit',
      data: [{ number: '+442079460958', extension: '123', kind: 'direct', country: 'GB' }],
    });
  });

  it('Nimbus Lookup: an extension with the E.164 number', () => {
    expect(
      nimbusOutcome(
        { id: 'lk_1', state: 'done', numbers: [{ e164: '+442079460958 ext. 123', type: 'direct' }] },
        1,
      ),
    ).toMatchObject({
      status: 'hit',
      data: [{ number: '+442079460958', extension: '123', kind: 'direct', country: 'GB' }],
    });
  });
});
