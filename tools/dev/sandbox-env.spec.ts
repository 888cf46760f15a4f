import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createSandboxApp } from '../../apps/provider-sandbox/src/sandbox';
import { connectRocketReachWebhook } from './sandbox-env';

interface Delivered {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('connectRocketReachWebhook', () => {
  let sandbox: INestApplication | undefined;
  let receiver: Server | undefined;

  afterEach(async () => {
    await sandbox?.close();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  it("points the sandbox's RocketReach webhook at the receiver, signed with its secret", async () => {
    sandbox = await createSandboxApp({ seed: 20261122, worldSize: 300 });
    await sandbox.listen(0, '127.0.0.1');
    const sandboxUrl = await sandbox.getUrl();
    const delivered: Delivered[] = [];
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/webhooks/rocketreach') {
          delivered.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        }
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    expect(await connectRocketReachWebhook(sandboxUrl, receiverUrl, 'local-secret')).toBeNull();

    // A lookup that starts searching is finished later and delivered to the account's webhook.
    await fetch(`${sandboxUrl}/_sandbox/providers/rocketreach`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task_delay_ms: 50 }),
    });
    const people = (await (await fetch(`${sandboxUrl}/_sandbox/world/people?limit=300`)).json()) as {
      linkedin_url: string;
      emails: Record<string, string | undefined>;
    }[];
    let searching: number | undefined;
    for (const person of people.filter((p) => p.emails.rocketreach)) {
      const answer = await fetch(
        `${sandboxUrl}/rocketreach/api/v2/person/lookup?linkedin_url=${encodeURIComponent(person.linkedin_url)}`,
        { headers: { 'api-key': 'sandbox-rocketreach-key' } },
      );
      const profile = (await answer.json()) as { id: number; status: string };
      if (profile.status === 'searching') {
        searching = profile.id;
        break;
      }
    }
    expect(searching).toBeDefined();
    const deadline = Date.now() + 5_000;
    while (delivered.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(delivered).toHaveLength(1);
    const [delivery] = delivered;
    expect((JSON.parse(delivery.body) as { id: number }).id).toBe(searching);
    expect(delivery.headers['x-rocketreach-signature']).toBe(
      createHmac('sha256', 'local-secret').update(delivery.body).digest('base64'),
    );
  });

  it('says why when the sandbox is not there', async () => {
    expect(await connectRocketReachWebhook('http://127.0.0.1:9', 'http://127.0.0.1:9', 's')).toMatch(
      /fetch failed|ECONNREFUSED/,
    );
  });
});
