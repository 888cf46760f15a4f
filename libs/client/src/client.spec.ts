import { createSluiceClient } from './index';

describe('createSluiceClient', () => {
  it('sends the API key as a bearer token to the base URL, and types the answer and the error', async () => {
    const seen: { url: string; authorization: string | null; extra: string | null }[] = [];
    const fakeFetch = (request: Request): Promise<Response> => {
      seen.push({
        url: request.url,
        authorization: request.headers.get('authorization'),
        extra: request.headers.get('x-extra'),
      });
      return Promise.resolve(
        request.url.endsWith('/missing')
          ? Response.json(
              { statusCode: 404, error: 'Not Found', message: 'No job missing in this workspace.' },
              { status: 404 },
            )
          : Response.json({ id: 'a-job', status: 'queued' }, { status: 202 }),
      );
    };
    const client = createSluiceClient({
      baseUrl: 'http://gateway.test/',
      apiKey: 'slk_test',
      fetch: fakeFetch,
      headers: { 'x-extra': 'yes' },
    });
    const created = await client.POST('/v1/jobs', {
      body: { type: 'company.profile', input: { company_number: '07798925' } },
    });
    expect(created.data).toEqual({ id: 'a-job', status: 'queued' });
    const missing = await client.GET('/v1/jobs/{id}', { params: { path: { id: 'missing' } } });
    expect(missing.data).toBeUndefined();
    expect(missing.error?.message).toBe('No job missing in this workspace.');
    expect(seen).toEqual([
      { url: 'http://gateway.test/v1/jobs', authorization: 'Bearer slk_test', extra: 'yes' },
      { url: 'http://gateway.test/v1/jobs/missing', authorization: 'Bearer slk_test', extra: 'yes' },
    ]);
  });
});
