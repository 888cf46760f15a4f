/** The body both baselines of the enrich benchmark answer: the shape of a cached enrich answer. */
export const ANSWER = {
  job_id: '00000000-0000-4000-8000-000000000000',
  status: 'completed',
  cached: true,
  data: { business_email: 'ada@acme.com', title: 'CTO', industry: 'Software' },
  sources: { business_email: 'snov', title: 'apollo', industry: 'rocketreach' },
  confidence: { business_email: 0.9, title: 0.7, industry: 0.7 },
  attribution: ['Powered by RocketReach'],
  sandbox: true,
};
