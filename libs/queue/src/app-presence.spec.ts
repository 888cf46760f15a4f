import { type AppPresence, disagreements, settingFingerprint } from './app-presence';

const app = (instance: string, extra: Partial<AppPresence> = {}): AppPresence => ({
  instance,
  app: instance.split('@')[0] ?? instance,
  seenAt: 0,
  shared: {},
  ...extra,
});

describe('settingFingerprint', () => {
  it('names equal values alike and different ones apart, without the value, and says unset for empty', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const name = settingFingerprint('SLUICE_ENCRYPTION_KEY', key);
    expect(name).toMatch(/^[0-9a-f]{12}$/);
    expect(settingFingerprint('SLUICE_ENCRYPTION_KEY', key)).toBe(name);
    expect(settingFingerprint('SLUICE_ENCRYPTION_KEY', Buffer.alloc(32, 8).toString('base64'))).not.toBe(
      name,
    );
    // Keyed by the value, labelled by the setting: one key in two settings has two names.
    expect(settingFingerprint('OTHER', key)).not.toBe(name);
    expect(settingFingerprint('SLUICE_ENCRYPTION_KEY', '')).toBe('unset');
  });
});

describe('disagreements', () => {
  it('finds a shared setting with two values, from each side, and nothing where all agree', () => {
    const gateway = app('gateway@a', { shared: { SLUICE_ENCRYPTION_KEY: 'k1' } });
    const worker = app('enrichment-worker@b', { shared: { SLUICE_ENCRYPTION_KEY: 'unset' } });
    const monitor = app('credit-monitor@c');
    expect(disagreements(gateway, [gateway, worker, monitor]).map((p) => p.setting)).toEqual([
      'SLUICE_ENCRYPTION_KEY',
    ]);
    expect(disagreements(worker, [gateway, worker, monitor])[0]?.message).toContain('gateway@a (k1)');
    // An app that does not use the setting reports nothing about it.
    expect(disagreements(monitor, [gateway, worker, monitor])).toEqual([]);
    const agreeing = app('enrichment-worker@b', { shared: { SLUICE_ENCRYPTION_KEY: 'k1' } });
    expect(disagreements(gateway, [gateway, agreeing])).toEqual([]);
  });

  it('finds a credential key sealed that a worker cannot open, and none through a rotation done workers first', () => {
    const seals = (key: string) => ({ credentialKeys: { seals: key } });
    const opens = (...keys: string[]) => ({ credentialKeys: { opens: keys } });
    const check = (apps: AppPresence[]) => apps.flatMap((self) => disagreements(self, apps));

    // Before, during each rolling step, and after: gateways seal only what every worker opens.
    const steps: [string[], string[][]][] = [
      [['old'], [['old']]],
      [['old'], [['old'], ['new', 'old']]],
      [['old'], [['new', 'old']]],
      [['old', 'new'], [['new', 'old']]],
      [['new'], [['new', 'old'], ['new']]],
      [['new'], [['new']]],
    ];
    for (const [sealed, opened] of steps) {
      const apps = [
        ...sealed.map((key, i) => app(`gateway@${i}`, seals(key))),
        ...opened.map((keys, i) => app(`enrichment-worker@${i}`, opens(...keys))),
      ];
      expect(check(apps)).toEqual([]);
    }

    // The gateways first: the old worker cannot open what the new gateway seals.
    const early = [app('gateway@1', seals('new')), app('enrichment-worker@1', opens('old'))];
    expect(check(early).map((p) => p.setting)).toEqual(['CREDENTIALS_MASTER_KEY', 'CREDENTIALS_MASTER_KEY']);
    // A worker without the key would use the platform's credentials for the stored ones.
    expect(check([app('gateway@1', seals('k')), app('enrichment-worker@1', opens())])).toHaveLength(2);
    // A gateway without the key seals nothing (it refuses to store credentials).
    expect(check([app('gateway@1', { credentialKeys: {} }), app('enrichment-worker@1', opens())])).toEqual(
      [],
    );
  });
});
