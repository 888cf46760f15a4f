import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Inject, Injectable, type NestMiddleware, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, type LabelValues, Registry } from 'prom-client';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export function createRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** How long a scrape waits for a gauge's source (Redis) before it reports the source down. */
export const SOURCE_READ_TIMEOUT_MS = 2000;

/** Per registry, what `sluice_metrics_source_up` waits for at a scrape: each sourced gauge's read. */
const scrapeSources = new WeakMap<Registry, Map<string, () => Promise<boolean>>>();

/** A gauge's values as its source gave them at one scrape. */
export type GaugeReading<T extends string> = [LabelValues<T>, number][];

/**
 * A gauge read from another system (Redis) at each scrape, with `sluice_metrics_source_up{metric}`
 * saying whether that read answered. When it did not (an error, or no answer within `timeoutMs`:
 * a worker's Redis connection waits through an outage rather than failing), the gauge is emptied
 * and the scrape shows it absent: values kept from an earlier scrape would look current. Failing
 * the collect instead would fail the whole scrape (prom-client rejects `metrics()`), every other
 * metric of the process with it.
 */
export function gaugeReadAtScrape<T extends string>(
  registry: Registry,
  config: { name: string; help: string; labelNames: readonly T[] },
  read: () => Promise<GaugeReading<T>>,
  timeoutMs = SOURCE_READ_TIMEOUT_MS,
): Gauge<T> {
  const up = sourceUpGauge(registry);
  let pending: Promise<boolean> | null = null;
  // Prometheus scrapes every metric of the registry at once (prom-client collects them in
  // parallel): the gauge and the up gauge wait for the same read, so they agree within a scrape.
  const reading = (): Promise<boolean> =>
    (pending ??= (async () => {
      let deadline: NodeJS.Timeout | undefined;
      try {
        const values = await Promise.race([
          read(),
          new Promise<never>((_resolve, reject) => {
            deadline = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        gauge.reset(); // labels the source no longer gives go too
        for (const [labels, value] of values) {
          gauge.set(labels, value);
        }
        up.set({ metric: config.name }, 1);
        return true;
      } catch {
        gauge.reset();
        up.set({ metric: config.name }, 0);
        return false;
      } finally {
        clearTimeout(deadline);
        pending = null;
      }
    })());
  const gauge: Gauge<T> = new Gauge<T>({
    name: config.name,
    help: config.help,
    labelNames: config.labelNames,
    registers: [registry],
    collect: async () => {
      await reading();
    },
  });
  let sources = scrapeSources.get(registry);
  if (!sources) {
    sources = new Map();
    scrapeSources.set(registry, sources);
  }
  sources.set(config.name, reading);
  return gauge;
}

/** `sluice_metrics_source_up`: one per registry, shared by its {@link gaugeReadAtScrape} gauges. */
function sourceUpGauge(registry: Registry): Gauge<'metric'> {
  const existing = registry.getSingleMetric('sluice_metrics_source_up') as Gauge<'metric'> | undefined;
  return (
    existing ??
    new Gauge({
      name: 'sluice_metrics_source_up',
      help: 'Whether the source of each gauge read at scrape time (Redis) answered this scrape: 1 yes, 0 no (the gauge named by `metric` is then absent)',
      labelNames: ['metric'],
      registers: [registry],
      collect: async () => {
        await Promise.all([...(scrapeSources.get(registry)?.values() ?? [])].map((reading) => reading()));
      },
    })
  );
}

/** HTTP latency per method, route template and status. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly histogram: Histogram<'method' | 'route' | 'status'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const existing = registry.getSingleMetric('sluice_http_request_duration_seconds');
    this.histogram =
      (existing as Histogram<'method' | 'route' | 'status'> | undefined) ??
      new Histogram({
        name: 'sluice_http_request_duration_seconds',
        help: 'HTTP request latency',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.track(req, res);
    next();
  }

  /** Starts a request's timer (for {@link track}, when the request may yet go elsewhere). */
  startTimer(): (labels: Partial<Record<'method' | 'route' | 'status', string>>) => number {
    return this.histogram.startTimer();
  }

  /**
   * Times the request until its answer is sent (from `end`'s start, else from now). `route` names
   * a route served outside Nest's router; otherwise the route Nest matched is used.
   */
  track(
    req: IncomingMessage & Partial<Pick<Request, 'route' | 'baseUrl'>>,
    res: ServerResponse,
    route?: string,
    end = this.startTimer(),
  ): void {
    res.on('finish', () => {
      // The route template (e.g. /v1/jobs/:id), never the raw URL: ids would explode the label set.
      const matched = (req.route as { path?: string } | undefined)?.path;
      end({
        method: req.method,
        route: route ?? (matched ? `${req.baseUrl ?? ''}${matched}` : 'unmatched'),
        status: String(res.statusCode),
      });
    });
  }
}

@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics of this process (text exposition format)' })
  @ApiProduces('text/plain')
  @ApiResponse({
    status: 200,
    description: 'Prometheus text format.',
    content: {
      'text/plain': {
        schema: { type: 'string' },
        example:
          '# TYPE sluice_http_request_duration_seconds histogram\nsluice_http_request_duration_seconds_count{app="gateway",method="GET",route="/v1/jobs/:id",status="200"} 42\n',
      },
    },
  })
  async metrics(@Res() res: Response): Promise<void> {
    const body = await this.registry.metrics();
    res.setHeader('Content-Type', this.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  }
}
