import {
  applyPatch,
  environmentSettings,
  mergeSettings,
  parseSettingsPatch,
  sanitizeStored,
  settingsView,
} from './provider-settings';

describe('provider settings', () => {
  const base = environmentSettings('snov', undefined, 5000);

  it('starts from the built-in defaults, overlaid by the environment', () => {
    expect(base).toEqual({
      enabled: true,
      priority: 1,
      minimumTier: null,
      rateLimits: [{ name: 'minute', limit: 60, windowMs: 60_000 }],
      pollIntervalMs: 5000,
      creditWarning: null,
      creditCritical: null,
    });
    expect(environmentSettings('snov', undefined, 5000, { warning: 25, critical: 5 })).toMatchObject({
      creditWarning: 25,
      creditCritical: 5,
    });
    expect(environmentSettings('snov', { enabled: false, priority: 7 }, 5000)).toMatchObject({
      enabled: false,
      priority: 7,
    });
  });

  it('merges a stored row field by field and says which fields it supplied', () => {
    const { settings, fromDatabase } = mergeSettings(base, { priority: 9, enabled: false });
    expect(settings).toEqual({ ...base, priority: 9, enabled: false });
    expect(fromDatabase.sort()).toEqual(['enabled', 'priority']);
    expect(mergeSettings(base, undefined)).toEqual({ settings: base, fromDatabase: [] });
  });

  it('parses a partial update: values set fields, null resets them', () => {
    const { patch, problems } = parseSettingsPatch({
      enabled: false,
      priority: null,
      rate_limits: [{ name: 'minute', limit: 1, window_ms: 60000, tier: 'free' }],
    });
    expect(problems).toEqual([]);
    expect(patch).toEqual({
      enabled: false,
      priority: null,
      rateLimits: [{ name: 'minute', limit: 1, windowMs: 60000, tier: 'free' }],
    });
    expect(applyPatch({ priority: 3, minimumTier: 'pro' }, patch)).toEqual({
      minimumTier: 'pro',
      enabled: false,
      rateLimits: [{ name: 'minute', limit: 1, windowMs: 60000, tier: 'free' }],
    });
  });

  it('names every unknown or invalid field', () => {
    const { problems } = parseSettingsPatch({
      colour: 'red',
      enabled: 'yes',
      priority: 1.5,
      minimum_tier: 'gold',
      poll_interval_ms: 1,
      credit_warning: -1,
      rate_limits: [{ name: 'minute', limit: 0, window_ms: 60000, burst: 3 }],
    });
    const text = problems.join('\n');
    for (const named of [
      'unknown field(s) colour',
      'enabled must',
      'priority must',
      'minimum_tier must',
      'poll_interval_ms must',
      'credit_warning must',
      'rate_limits[0] has unknown field(s) burst',
      'rate_limits[0].limit must',
    ]) {
      expect(text).toContain(named);
    }
  });

  it('treats inherited names as unknown fields', () => {
    const body = JSON.parse('{"__proto__": {"enabled": false}, "toString": 1}') as unknown;
    const { patch, problems } = parseSettingsPatch(body);
    expect(problems[0]).toContain('unknown field(s) __proto__, toString');
    expect(patch).toEqual({});
  });

  it('refuses a body that is not an object or names nothing', () => {
    expect(parseSettingsPatch([]).problems).toEqual(['the body must be a JSON object of settings']);
    expect(parseSettingsPatch({}).problems[0]).toContain('names no setting');
    expect(parseSettingsPatch({ rate_limits: 'fast' }).problems[0]).toContain('rate_limits must be a list');
  });

  it('keeps only well-formed fields of a stored row', () => {
    expect(
      sanitizeStored({
        enabled: false,
        priority: 'high',
        surprise: 1,
        rateLimits: [{ name: 'minute', limit: 2, windowMs: 1000 }],
      }),
    ).toEqual({ enabled: false, rateLimits: [{ name: 'minute', limit: 2, windowMs: 1000 }] });
    expect(sanitizeStored(null)).toEqual({});
  });

  it('shows settings with the API field names', () => {
    expect(settingsView(base)).toEqual({
      enabled: true,
      priority: 1,
      minimum_tier: null,
      rate_limits: [{ name: 'minute', limit: 60, window_ms: 60_000 }],
      poll_interval_ms: 5000,
      credit_warning: null,
      credit_critical: null,
    });
  });
});
