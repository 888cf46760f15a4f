import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SandboxState } from '../state/sandbox-state';

/** How a finished task calls back, in the provider's own way. */
export interface TaskWebhook {
  url: string;
  /** Extra headers from the exact raw body (a provider that signs computes its signature here). */
  headers?: (rawBody: string) => Record<string, string>;
  /**
   * What the delivery carries, from the finished body, for a provider whose callbacks say more than
   * its polled answer (RocketReach adds `profile_list`). Without it, the finished body as served.
   */
  body?: (finished: unknown) => unknown;
}

export interface TaskSpec {
  provider: string;
  id: string;
  /** How long the provider "works" on it. */
  delayMs: number;
  /**
   * Computes the finished answer, once, when the task completes (at the first poll after the delay,
   * or when its webhook is due): the body the provider serves and the credits it charges.
   */
  finish: () => { body: unknown; charge: number };
  webhook?: TaskWebhook;
}

export interface WebhookDelivery {
  task_id: string;
  url: string;
  attempt: number;
  /** HTTP status, or `null` when the request failed. */
  status: number | null;
  error: string | null;
  at: string;
}

interface Task {
  spec: TaskSpec;
  readyAt: number;
  result: { body: unknown } | null;
}

const DELIVERY_ATTEMPTS = 3;
const DELIVERY_BACKOFF_MS = 200;
const DELIVERY_TIMEOUT_MS = 5000;

/**
 * Asynchronous provider work: a task is pending until its delay has passed, then finished exactly
 * once (charging exactly once), served to pollers and, when the caller gave a callback URL, POSTed
 * there with retries, every attempt recorded. Timers are unref'd and cleared on reset and on close.
 */
@Injectable()
export class TaskBoard implements OnModuleDestroy {
  private readonly tasks = new Map<string, Task>();
  private readonly deliveries = new Map<string, WebhookDelivery[]>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly state: SandboxState) {}

  create(spec: TaskSpec): void {
    const key = `${spec.provider}:${spec.id}`;
    this.tasks.set(key, { spec, readyAt: Date.now() + spec.delayMs, result: null });
    if (spec.webhook) {
      this.later(spec.delayMs, () => void this.deliver(key, 1));
    }
  }

  /** `undefined`: no such task; `pending`, with how long it still works; or the finished body. */
  status(
    provider: string,
    id: string,
  ): { state: 'pending'; readyInMs: number } | { state: 'done'; body: unknown } | undefined {
    const task = this.tasks.get(`${provider}:${id}`);
    if (!task) {
      return undefined;
    }
    const now = Date.now();
    if (now < task.readyAt) {
      return { state: 'pending', readyInMs: task.readyAt - now };
    }
    return { state: 'done', body: this.finish(task) };
  }

  deliveriesOf(provider: string): WebhookDelivery[] {
    return [...(this.deliveries.get(provider) ?? [])];
  }

  reset(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    this.tasks.clear();
    this.deliveries.clear();
  }

  onModuleDestroy(): void {
    this.reset();
  }

  private finish(task: Task): unknown {
    if (!task.result) {
      const { body, charge } = task.spec.finish();
      this.state.find(task.spec.provider)?.charge(charge);
      task.result = { body };
    }
    return task.result.body;
  }

  private async deliver(key: string, attempt: number): Promise<void> {
    const task = this.tasks.get(key);
    const webhook = task?.spec.webhook;
    if (!task || !webhook) {
      return;
    }
    const finished = this.finish(task);
    const raw = JSON.stringify(webhook.body ? webhook.body(finished) : finished);
    const record: WebhookDelivery = {
      task_id: task.spec.id,
      url: webhook.url,
      attempt,
      status: null,
      error: null,
      at: new Date().toISOString(),
    };
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...webhook.headers?.(raw) },
        body: raw,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      record.status = response.status;
      await response.body?.cancel();
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    if (!this.tasks.has(key)) {
      return; // reset while delivering
    }
    const list = this.deliveries.get(task.spec.provider) ?? [];
    list.push(record);
    this.deliveries.set(task.spec.provider, list);
    const delivered = record.status !== null && record.status >= 200 && record.status < 300;
    if (!delivered && attempt < DELIVERY_ATTEMPTS) {
      this.later(DELIVERY_BACKOFF_MS * 2 ** (attempt - 1), () => void this.deliver(key, attempt + 1));
    }
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}
