import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@sluice/config';
import { startFailure } from './bootstrap';

const gateway = { name: 'gateway', portSetting: 'GATEWAY_PORT' };

const listen = (server: Server, port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });

describe('what an app that cannot start prints', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    servers.length = 0;
  });

  it('names the port another process holds and the setting that moves it', async () => {
    const holder = createServer();
    servers.push(holder);
    await listen(holder, 0);
    const { port } = holder.address() as AddressInfo;
    const second = createServer();
    servers.push(second);
    const error = await listen(second, port).then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(startFailure(gateway, error)).toBe(
      `gateway cannot start: port ${port} on 127.0.0.1 is already in use by another process. Set GATEWAY_PORT to another port.`,
    );
  });

  it('prints a configuration problem without a stack', () => {
    const message = startFailure(gateway, new ConfigError(['GATEWAY_PORT must be a number']));
    expect(message).toMatch(
      /^gateway cannot start\. Invalid configuration:\n {2}- GATEWAY_PORT must be a number$/,
    );
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('prints any other error with its stack', () => {
    const message = startFailure(gateway, new Error('the database refused'));
    expect(message).toMatch(/^gateway failed to start: Error: the database refused\n\s+at /);
  });
});
