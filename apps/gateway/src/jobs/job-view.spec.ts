import type { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { jobEvents, toJobView, type JobView, type StepView } from './job-view';

const step = (seq: number, state: string): StepView => ({
  seq,
  goal: 'company',
  provider: 'companies-house',
  operation: 'company.profile',
  state,
  reason: null,
  cached: false,
  attempts: 1,
  latency_ms: null,
  credits: 0,
  error: null,
  completed_at: null,
});

const job = (status: string, steps: StepView[], result: Record<string, unknown> | null = null): JobView => ({
  id: 'job-1',
  type: 'company.profile',
  status,
  priority: 'bulk',
  input: {},
  result,
  error: null,
  credits_spent: 0,
  max_credits: null,
  options: {},
  steps,
  retry_of: null,
  retried_as: null,
  created_at: '2026-12-02T00:00:00.000Z',
  updated_at: '2026-12-02T00:00:00.000Z',
  completed_at: null,
});

describe('jobEvents', () => {
  it('starts with the whole job, and ends at once for a finished one', () => {
    expect(jobEvents(null, job('running', [])).map((e) => e.type)).toEqual(['snapshot']);
    expect(jobEvents(null, job('completed', [step(1, 'completed')])).map((e) => e.type)).toEqual([
      'snapshot',
      'completed',
    ]);
  });

  it('sends each step that appeared or changed state, then the status', () => {
    const before = job('queued', []);
    const planned = job('running', [step(1, 'pending')]);
    expect(jobEvents(before, planned).map((e) => [e.type, e.data.state ?? e.data.status])).toEqual([
      ['step', 'pending'],
      ['status', 'running'],
    ]);
    expect(jobEvents(planned, planned)).toEqual([]);
    const done = job('completed', [step(1, 'completed')], { company: {} });
    const events = jobEvents(planned, done);
    expect(events.map((e) => e.type)).toEqual(['step', 'completed']);
    expect(events[1]?.data).toMatchObject({ job_id: 'job-1', status: 'completed', result: { company: {} } });
  });
});

describe('toJobView', () => {
  it('adds the steps’ credits to the ledger’s 4 decimals, not to a binary fraction’s', () => {
    const at = new Date('2026-12-02T00:00:00.000Z');
    const request = {
      id: 'job-1',
      type: 'person.email',
      status: 'completed',
      priority: 'interactive',
      input: {},
      result: null,
      error: null,
      maxCredits: null,
      options: {},
      createdAt: at,
      updatedAt: at,
      completedAt: at,
    } as unknown as EnrichmentRequest;
    const paid = (seq: number, credits: string) =>
      ({
        seq,
        goal: 'email',
        provider: 'snov',
        operation: 'person.email',
        state: 'completed',
        reason: null,
        cached: false,
        attempts: 1,
        latencyMs: 10,
        credits,
        error: null,
        completedAt: at,
      }) as unknown as EnrichmentStep;
    const view = toJobView(request, [paid(1, '0.1000'), paid(2, '0.2000')]);
    expect(view.steps.map((step) => step.credits)).toEqual([0.1, 0.2]);
    expect(view.credits_spent).toBe(0.3);
  });

  it('names the job it runs again and the job it was run again as', () => {
    const at = new Date('2026-12-02T00:00:00.000Z');
    const request = (retryOf: string | null, retriedAs: string | null) =>
      ({
        id: 'job-2',
        type: 'person.email',
        status: 'failed',
        priority: 'interactive',
        input: {},
        result: null,
        error: null,
        maxCredits: null,
        options: {},
        retryOf,
        retriedAs,
        createdAt: at,
        updatedAt: at,
        completedAt: at,
      }) as unknown as EnrichmentRequest;
    expect(toJobView(request('job-1', 'job-3'), [])).toMatchObject({
      retry_of: 'job-1',
      retried_as: 'job-3',
    });
    const first = toJobView(request(null, null), []);
    // Present as null for a first attempt not retried: a client reads the chain's end, not a gap.
    expect(first).toHaveProperty('retry_of', null);
    expect(first).toHaveProperty('retried_as', null);
  });
});
