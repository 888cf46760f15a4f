import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisHealthIndicator } from './redis.health';

describe('RedisHealthIndicator', () => {
  it('answers up or down and leaves no timer running, so a closing process is not held open', async () => {
    jest.useFakeTimers();
    try {
      const indicator = new RedisHealthIndicator(new HealthIndicatorService());
      expect(await indicator.ping('redis', { ping: () => Promise.resolve('PONG') })).toEqual({
        redis: { status: 'up' },
      });
      expect(jest.getTimerCount()).toBe(0);
      expect(await indicator.ping('redis', { ping: () => Promise.reject(new Error('gone')) })).toEqual({
        redis: { status: 'down', message: 'gone' },
      });
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
