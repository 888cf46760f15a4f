import { cheapestCallOf } from '../registry';
import {
  applyPatch,
  balanceReadRules,
  chargedCredits,
  costsInForce,
  creditThresholdsProblem,
  environmentSettings,
  mergeSettings,
  parseSettingsPatch,
  pausedBalanceReadSpacingMs,
  rulesForCall,
  rulesOnEveryCall,
  sanitizeStored,
  storedProblems,
  settingsView,
  type SettingsRateLimitRule,
} from './provider-settings';
import { ROCKETREACH_DEFAULT_RATE_LIMITS } from '../rocketreach/rate-limits';

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
      costs: {
        find_work_email: { credits: 1, chargedOnMiss: false },
        lookup_company: { credits: 1, chargedOnMiss: false },
      },
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
    const { patch, problems } = parseSettingsPatch(
      {
        enabled: false,
        priority: null,
        rate_limits: [{ name: 'minute', limit: 1, window_ms: 60000, tier: 'free' }],
      },
      'snov',
    );
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

  it('refuses a critical threshold above the warning one, which would never let the warning be sent', () => {
    expect(creditThresholdsProblem({ creditWarning: 5, creditCritical: 50 })).toMatch(
      /credit_critical \(50\) is above credit_warning \(5\)/,
    );
    expect(creditThresholdsProblem({ creditWarning: 25, creditCritical: 5 })).toBeNull();
    expect(creditThresholdsProblem({ creditWarning: 5, creditCritical: 5 })).toBeNull();
    expect(creditThresholdsProblem({ creditWarning: null, creditCritical: 50 })).toBeNull();
  });

  it('names every unknown or invalid field', () => {
    const { problems } = parseSettingsPatch(
      {
        colour: 'red',
        enabled: 'yes',
        priority: 1.5,
        minimum_tier: 'gold',
        poll_interval_ms: 1,
        credit_warning: -1,
        rate_limits: [{ name: 'minute', limit: 0, window_ms: 60000, burst: 3 }],
      },
      'snov',
    );
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
    const { patch, problems } = parseSettingsPatch(body, 'snov');
    expect(problems[0]).toContain('unknown field(s) __proto__, toString');
    expect(patch).toEqual({});
  });

  it('refuses a body that is not an object or names nothing', () => {
    expect(parseSettingsPatch([], 'snov').problems).toEqual(['the body must be a JSON object of settings']);
    expect(parseSettingsPatch({}, 'snov').problems[0]).toContain('names no setting');
    expect(parseSettingsPatch({ rate_limits: 'fast' }, 'snov').problems[0]).toContain(
      'rate_limits must be a list',
    );
  });

  it('keeps only well-formed fields of a stored row', () => {
    expect(
      sanitizeStored(
        {
          enabled: false,
          priority: 'high',
          surprise: 1,
          rateLimits: [{ name: 'minute', limit: 2, windowMs: 1000 }],
        },
        'snov',
      ),
    ).toEqual({ enabled: false, rateLimits: [{ name: 'minute', limit: 2, windowMs: 1000 }] });
    expect(sanitizeStored(null, 'snov')).toEqual({});
  });

  it('says which fields of a stored row are ignored, and why', () => {
    const row = {
      enabled: false,
      priority: 'high',
      rateLimits: [
        { name: 'hour', limit: 5, windowMs: 3_600_000, tier: 'free' },
        { name: 'hour', limit: 50, windowMs: 3_600_000, tier: 'pro' },
      ],
    };
    const problems = storedProblems(row, 'orion-connect');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^priority ignored: priority must be/);
    expect(problems[1]).toMatch(/^rate_limits ignored: rate_limits\[1\]\.name 'hour' is used twice/);
    expect(storedProblems({ enabled: true }, 'snov')).toEqual([]);
    expect(storedProblems(null, 'snov')).toEqual([]);
    expect(storedProblems('x', 'snov')).toEqual(['the row is not an object']);
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
      costs: {
        find_work_email: { credits: 1, charged_on_miss: false },
        lookup_company: { credits: 1, charged_on_miss: false },
      },
    });
  });

  describe('rate-limit rules per operation', () => {
    const lookups = ['lookup_person', 'find_work_email', 'find_phone'];

    it('takes a rule limited to some of the provider’s operations, and shows it back', () => {
      const body = {
        rate_limits: [
          { name: 'second', limit: 10, window_ms: 1000 },
          { name: 'lookup-hour', limit: 2500, window_ms: 3_600_000, operations: lookups },
        ],
      };
      const { patch, problems } = parseSettingsPatch(body, 'rocketreach');
      expect(problems).toEqual([]);
      expect(patch.rateLimits).toEqual([
        { name: 'second', limit: 10, windowMs: 1000 },
        { name: 'lookup-hour', limit: 2500, windowMs: 3_600_000, operations: lookups },
      ]);
      const stored = applyPatch({}, patch);
      // Read back from the row as stored, then shown as the API shows it.
      expect(sanitizeStored(JSON.parse(JSON.stringify(stored)), 'rocketreach')).toEqual(stored);
      expect(settingsView({ rateLimits: stored.rateLimits })).toEqual(body);
    });

    it('names an unknown operation, an empty list, a list that is not of strings, and a repeat', () => {
      const problemsOf = (operations: unknown): string[] =>
        parseSettingsPatch(
          { rate_limits: [{ name: 'm', limit: 1, window_ms: 1000, operations }] },
          'rocketreach',
        ).problems;
      expect(problemsOf(['verify_email'])).toEqual([
        expect.stringMatching(
          /^rate_limits\[0\]\.operations\[0\]: rocketreach has no operation 'verify_email'; operations of rocketreach: find_work_email, find_phone, lookup_person, search_people, lookup_company, search_companies, resolve_company_domain, check_credits$/,
        ),
      ]);
      expect(problemsOf([])).toEqual([
        expect.stringMatching(/^rate_limits\[0\]\.operations is empty: name at least one operation/),
      ]);
      expect(problemsOf('lookup_person')).toEqual([
        expect.stringMatching(/^rate_limits\[0\]\.operations must be a list of operation names/),
      ]);
      expect(problemsOf(['lookup_person', 3])).toEqual([
        expect.stringMatching(/^rate_limits\[0\]\.operations\[1\] must be a string naming an operation/),
      ]);
      expect(problemsOf(['find_phone', 'find_phone'])).toEqual([
        "rate_limits[0].operations[1]: 'find_phone' is named twice",
      ]);
      // An operation is the provider's own: Snov.io finds no phones.
      expect(
        parseSettingsPatch(
          { rate_limits: [{ name: 'm', limit: 1, window_ms: 1000, operations: ['find_phone'] }] },
          'snov',
        ).problems[0],
      ).toMatch(/snov has no operation 'find_phone'/);
    });

    it('refuses two rules of one name, whatever their tier or operations: they would share one window', () => {
      const { problems } = parseSettingsPatch(
        {
          rate_limits: [
            { name: 'minute', limit: 30, window_ms: 60000, tier: 'free' },
            { name: 'minute', limit: 60, window_ms: 60000, tier: 'pro' },
            { name: 'minute', limit: 60, window_ms: 60000, operations: ['search_people'] },
          ],
        },
        'rocketreach',
      );
      expect(problems).toEqual([
        expect.stringMatching(
          /^rate_limits\[1\]\.name 'minute' is used twice: each rule counts in a window of its own/,
        ),
        expect.stringMatching(/^rate_limits\[2\]\.name 'minute' is used twice/),
      ]);
    });

    it('drops a stored rule list with an unknown operation, falling back to the environment’s', () => {
      expect(
        sanitizeStored(
          { enabled: false, rateLimits: [{ name: 'm', limit: 1, windowMs: 1000, operations: ['nope'] }] },
          'rocketreach',
        ),
      ).toEqual({ enabled: false });
    });

    it('filters the rules of a call by its tier and operation', () => {
      const rules: SettingsRateLimitRule[] = [
        { name: 'all', limit: 10, windowMs: 1000 },
        { name: 'free', limit: 5, windowMs: 1000, tier: 'free' },
        { name: 'lookups', limit: 250, windowMs: 60_000, operations: ['lookup_person', 'find_phone'] },
        { name: 'free-phones', limit: 1, windowMs: 60_000, tier: 'free', operations: ['find_phone'] },
      ];
      const names = (tier: 'free' | 'pro', operation: Parameters<typeof rulesForCall>[2]): string[] =>
        rulesForCall(rules, tier, operation).map((rule) => rule.name);
      expect(names('free', 'find_phone')).toEqual(['all', 'free', 'lookups', 'free-phones']);
      expect(names('pro', 'find_phone')).toEqual(['all', 'lookups']);
      expect(names('free', 'lookup_person')).toEqual(['all', 'free', 'lookups']);
      expect(names('pro', 'search_people')).toEqual(['all']);
    });

    it('holds a call of no operation (a poll, a token fetch) to the rules on every call and its tier’s share, never to an operation’s budget', () => {
      const rules: SettingsRateLimitRule[] = [
        { name: 'all', limit: 10, windowMs: 1000 },
        { name: 'free', limit: 5, windowMs: 1000, tier: 'free' },
        { name: 'lookups', limit: 250, windowMs: 60_000, operations: ['lookup_person'] },
        { name: 'free-lookups', limit: 1, windowMs: 60_000, tier: 'free', operations: ['lookup_person'] },
      ];
      expect(rulesOnEveryCall(rules, 'free').map((rule) => rule.name)).toEqual(['all', 'free']);
      expect(rulesOnEveryCall(rules, 'pro').map((rule) => rule.name)).toEqual(['all']);
      expect(rulesOnEveryCall(rules, null).map((rule) => rule.name)).toEqual(['all']);
      // RocketReach's status checks: its global 10 a second, none of its per-API budgets.
      const rocketreach = environmentSettings('rocketreach', undefined, 5000).rateLimits;
      expect(rulesOnEveryCall(rocketreach, 'pro').map((rule) => rule.name)).toEqual(['second']);
    });

    it('holds a call made for no workspace (a balance read) to the rules on every call and of its operation, not to a tier’s share', () => {
      const rules: SettingsRateLimitRule[] = [
        { name: 'all', limit: 10, windowMs: 1000 },
        { name: 'free', limit: 5, windowMs: 1000, tier: 'free' },
        { name: 'lookups', limit: 250, windowMs: 60_000, operations: ['lookup_person'] },
        { name: 'account', limit: 1, windowMs: 60_000, operations: ['check_credits'] },
        { name: 'free-account', limit: 1, windowMs: 60_000, tier: 'free', operations: ['check_credits'] },
      ];
      expect(rulesForCall(rules, null, 'check_credits').map((rule) => rule.name)).toEqual(['all', 'account']);
      // RocketReach's account read: its global 10 a second, none of its per-API budgets.
      const rocketreach = environmentSettings('rocketreach', undefined, 5000).rateLimits;
      expect(rulesForCall(rocketreach, null, 'check_credits')).toEqual([
        { name: 'second', limit: 10, windowMs: 1000 },
      ]);
      expect(rulesForCall(base.rateLimits, null, 'check_credits').map((rule) => rule.name)).toEqual([
        'minute',
      ]);
    });

    it('gives a balance read the rules of a call for no workspace of check_credits, with the safety margin and only what a window needs', () => {
      const rules: SettingsRateLimitRule[] = [
        { name: 'all', limit: 10, windowMs: 1000 },
        { name: 'free', limit: 5, windowMs: 1000, tier: 'free' },
        { name: 'lookups', limit: 250, windowMs: 60_000, operations: ['lookup_person'] },
        { name: 'account', limit: 1, windowMs: 60_000, operations: ['check_credits'] },
      ];
      expect(balanceReadRules(rules)).toEqual([
        { name: 'all', limit: 10, windowMs: 1100 },
        { name: 'account', limit: 1, windowMs: 60_600 },
      ]);
      expect(balanceReadRules(environmentSettings('rocketreach', undefined, 5000).rateLimits)).toEqual([
        { name: 'second', limit: 10, windowMs: 1100 },
      ]);
    });

    it('spaces the reads of a paused provider to a quarter of each window a read counts in', () => {
      const snov = environmentSettings('snov', undefined, 5000).rateLimits;
      // 60 a minute, 54 with the safety margin, in a window of 60.6 s: a read every 4.49 s.
      const [minute] = balanceReadRules(snov);
      expect(pausedBalanceReadSpacingMs(snov)).toBe(Math.ceil((minute.windowMs * 4) / minute.limit));
      expect(pausedBalanceReadSpacingMs(snov)).toBeGreaterThan(4000);
      expect(pausedBalanceReadSpacingMs(snov)).toBeLessThan(5000);
      // The tightest of several rules a read counts in decides; the rules of other operations do not.
      const rules: SettingsRateLimitRule[] = [
        { name: 'all', limit: 10, windowMs: 1000 },
        { name: 'lookups', limit: 2, windowMs: 60_000, operations: ['lookup_person'] },
        { name: 'account', limit: 8, windowMs: 60_000, operations: ['check_credits'] },
      ];
      expect(pausedBalanceReadSpacingMs(rules)).toBe(
        Math.ceil((60_600 * 4) / balanceReadRules(rules)[1].limit),
      );
      expect(pausedBalanceReadSpacingMs([])).toBe(0);
      // A minute at most: a quarter of a day's 100 reads would leave a paused provider unread for hours.
      const daily = [{ name: 'day', limit: 100, windowMs: 86_400_000, operations: ['check_credits'] }];
      expect(pausedBalanceReadSpacingMs(daily as SettingsRateLimitRule[])).toBe(60_000);
    });

    it('gives RocketReach its per-API limits by default, from one table', () => {
      const rules = environmentSettings('rocketreach', undefined, 5000).rateLimits;
      const limits = ROCKETREACH_DEFAULT_RATE_LIMITS;
      expect(rules).toEqual([
        { name: 'second', limit: 10, windowMs: 1000 },
        { name: 'person-lookup-minute', limit: 250, windowMs: 60_000, operations: lookups },
        { name: 'person-lookup-hour', limit: 2_500, windowMs: 3_600_000, operations: lookups },
        { name: 'person-lookup-day', limit: 10_000, windowMs: 86_400_000, operations: lookups },
        { name: 'person-search-minute', limit: 100, windowMs: 60_000, operations: ['search_people'] },
        { name: 'person-search-hour', limit: 1_000, windowMs: 3_600_000, operations: ['search_people'] },
        { name: 'person-search-day', limit: 10_000, windowMs: 86_400_000, operations: ['search_people'] },
        {
          name: 'company-search-minute',
          limit: 100,
          windowMs: 60_000,
          operations: ['search_companies', 'resolve_company_domain'],
        },
        {
          name: 'company-search-hour',
          limit: 1_000,
          windowMs: 3_600_000,
          operations: ['search_companies', 'resolve_company_domain'],
        },
        {
          name: 'company-search-day',
          limit: 10_000,
          windowMs: 86_400_000,
          operations: ['search_companies', 'resolve_company_domain'],
        },
      ]);
      expect(rules[1]?.limit).toBe(limits.personLookup.perMinute);
      // The defaults pass the API's own checks: an operator can PUT back what GET shows.
      const { problems } = parseSettingsPatch(settingsView({ rateLimits: rules }), 'rocketreach');
      expect(problems).toEqual([]);
    });

    it('refuses an environment rule naming an operation the provider lacks', () => {
      expect(() =>
        environmentSettings(
          'snov',
          { rateLimits: [{ name: 'm', limit: 1, windowMs: 1000, operations: ['find_phone'] }] },
          5000,
        ),
      ).toThrow(
        /PROVIDER_OVERRIDES\.snov\.rateLimits\[0\]\.operations\[0\]: snov has no operation 'find_phone'/,
      );
    });
  });

  describe('costs', () => {
    it('changes one capability’s price, keeps the rest published, and resets by capability', () => {
      const { patch, problems } = parseSettingsPatch(
        { costs: { find_work_email: { credits: 2.5 } } },
        'snov',
      );
      expect(problems).toEqual([]);
      const stored = applyPatch({}, patch);
      expect(stored).toEqual({ costs: { find_work_email: { credits: 2.5 } } });
      const { settings, fromDatabase } = mergeSettings(base, stored);
      expect(settings.costs).toEqual({
        find_work_email: { credits: 2.5, chargedOnMiss: false },
        lookup_company: { credits: 1, chargedOnMiss: false },
      });
      expect(fromDatabase).toEqual(['costs']);
      expect(costsInForce('snov', stored)).toEqual(settings.costs);

      // A second change merges into the first; null drops one capability, then the whole field.
      const more = applyPatch(
        stored,
        parseSettingsPatch({ costs: { find_work_email: { charged_on_miss: true } } }, 'snov').patch,
      );
      expect(more).toEqual({ costs: { find_work_email: { credits: 2.5, chargedOnMiss: true } } });
      expect(
        applyPatch(more, parseSettingsPatch({ costs: { find_work_email: null } }, 'snov').patch),
      ).toEqual({});
      expect(applyPatch({ ...more, priority: 2 }, parseSettingsPatch({ costs: null }, 'snov').patch)).toEqual(
        { priority: 2 },
      );
      // Stored and read back as a worker reads it.
      expect(sanitizeStored(JSON.parse(JSON.stringify(more)), 'snov')).toEqual(more);
    });

    it('names a capability the provider does not have, and malformed prices', () => {
      const { problems } = parseSettingsPatch(
        {
          costs: {
            find_phone: { credits: 1 },
            check_credits: { credits: 1 },
            find_work_email: { credits: -1, charged_on_miss: 'yes', per: 'call' },
            lookup_company: {},
          },
        },
        'snov',
      );
      const text = problems.join('\n');
      for (const named of [
        "costs.find_phone: snov has no priced capability 'find_phone'; it has find_work_email, lookup_company",
        'costs.check_credits: snov has no priced capability',
        'costs.find_work_email has unknown field(s) per',
        'costs.find_work_email.credits must be a number from 0 to 10000',
        'costs.find_work_email.charged_on_miss must be true or false',
        'costs.lookup_company names neither credits nor charged_on_miss',
      ]) {
        expect(text).toContain(named);
      }
      expect(
        parseSettingsPatch({ costs: { find_work_email: { credits: 0.00001 } } }, 'snov').problems,
      ).toHaveLength(1);
      expect(parseSettingsPatch({ costs: [1] }, 'snov').problems[0]).toContain('costs must be an object');
      // A stored row naming a capability the provider lacks is dropped, not applied.
      expect(sanitizeStored({ costs: { find_phone: { credits: 3 } } }, 'snov')).toEqual({});
    });

    it('charges the adapter’s count at published prices, and the changed price when the call was charged', () => {
      const published = costsInForce('snov', {});
      expect(chargedCredits('snov', 'find_work_email', published, { status: 'hit', credits: 1 })).toBe(1);
      const dearer = costsInForce('snov', { costs: { find_work_email: { credits: 3 } } });
      expect(chargedCredits('snov', 'find_work_email', dearer, { status: 'hit', credits: 1 })).toBe(3);
      // A hit the adapter says was free stays free; a miss is charged only when misses are.
      expect(chargedCredits('snov', 'find_work_email', dearer, { status: 'hit', credits: 0 })).toBe(0);
      expect(chargedCredits('snov', 'find_work_email', dearer, { status: 'miss', credits: 0 })).toBe(0);
      const missesToo = costsInForce('snov', {
        costs: { find_work_email: { credits: 3, chargedOnMiss: true } },
      });
      expect(chargedCredits('snov', 'find_work_email', missesToo, { status: 'miss', credits: 0 })).toBe(3);
      // A capability published as free costs the new price on every hit.
      const register = costsInForce('companies-house', { costs: { lookup_company: { credits: 0.5 } } });
      expect(
        chargedCredits('companies-house', 'lookup_company', register, { status: 'hit', credits: 0 }),
      ).toBe(0.5);
    });

    it('finds the cheapest call at the prices in force', () => {
      expect(cheapestCallOf('snov')).toBe(1);
      expect(
        cheapestCallOf(
          'snov',
          costsInForce('snov', {
            costs: { find_work_email: { credits: 4 }, lookup_company: { credits: 2 } },
          }),
        ),
      ).toBe(2);
      expect(cheapestCallOf('companies-house')).toBe(1);
    });
  });
});
