import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

/** Redis is up when it answers PING within a second. */
@Injectable()
export class RedisHealthIndicator {
  constructor(private readonly health: HealthIndicatorService) {}

  async ping(key: string, redis: { ping(): Promise<string> }): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    let deadline: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        redis.ping(),
        new Promise<never>((_, reject) => {
          deadline = setTimeout(() => reject(new Error('PING timed out after 1 s')), 1000);
        }),
      ]);
      return answer === 'PONG' ? indicator.up() : indicator.down({ message: `unexpected answer ${answer}` });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    } finally {
      // A deadline left running holds the event loop (and a closing process) for a second.
      clearTimeout(deadline);
    }
  }
}
