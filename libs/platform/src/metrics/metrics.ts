import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Inject, Injectable, type NestMiddleware, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export function createRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
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
