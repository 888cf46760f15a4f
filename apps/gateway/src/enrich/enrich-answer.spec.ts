import type { JobView } from '../jobs/job-view';
import { enrichAnswer } from './enrich-answer';

function view(result: Record<string, unknown> | null, status = 'completed'): JobView {
  return {
    id: 'job-1',
    type: 'enrich',
    status,
    priority: 'interactive',
    input: {},
    result,
    error: null,
    credits_spent: 2,
    max_credits: null,
    options: {},
    steps: [],
    retry_of: null,
    retried_as: null,
    created_at: '2026-12-01T00:00:00.000Z',
    updated_at: '2026-12-01T00:00:00.000Z',
    completed_at: null,
  };
}

describe('enrichAnswer', () => {
  const result = {
    data: { business_email: 'ada@acme.com', industry: 'Software', title: null },
    sources: { business_email: 'snov', industry: 'rocketreach' },
    confidence: { business_email: 0.9, industry: 0.7 },
    attribution: ['Powered by RocketReach'],
  };

  it('gives every field asked, null when unknown, with the source and confidence of the known ones', () => {
    const answer = enrichAnswer(view(result), ['business_email', 'title', 'mobile_phone'], new Set());
    expect(answer.data).toEqual({ business_email: 'ada@acme.com', title: null, mobile_phone: null });
    expect(answer.sources).toEqual({ business_email: 'snov' });
    expect(answer.confidence).toEqual({ business_email: 0.9 });
    expect(answer.sandbox).toBe(false);
    expect(answer.notice).toBeUndefined();
  });

  it("attributes RocketReach only when a field shown is RocketReach's", () => {
    expect(enrichAnswer(view(result), ['business_email'], new Set()).attribution).toEqual([]);
    expect(enrichAnswer(view(result), ['industry'], new Set()).attribution).toEqual([
      'Powered by RocketReach',
    ]);
  });

  it('marks an answer holding sandbox data, whichever field it is', () => {
    const answer = enrichAnswer(view(result), ['business_email', 'industry'], new Set(['rocketreach']));
    expect(answer.sandbox).toBe(true);
    expect(answer.notice).toMatch(/sandbox/i);
  });

  it('answers a job without a result with every field null', () => {
    const answer = enrichAnswer(view(null, 'failed'), ['title'], new Set(['snov']));
    expect(answer).toMatchObject({ status: 'failed', data: { title: null }, sources: {}, sandbox: false });
  });
});
