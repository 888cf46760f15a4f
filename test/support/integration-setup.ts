// Integration tests start servers, run migrations and wait on queues: allow them time, not sleeps.
jest.setTimeout(90_000);
