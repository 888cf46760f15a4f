import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Inject, Injectable, type NestMiddleware, Res } from '@nestjs/common';
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
    const end = this.histogram.startTimer();
    res.on('finish', () => {
      // The route template (e.g. /v1/jobs/:id), never the raw URL: ids would explode the label set.
      const route = (req.route as { path?: string } | undefined)?.path;
      end({
        method: req.method,
        route: route ? `${req.baseUrl}${route}` : 'unmatched',
        status: String(res.statusCode),
      });
    });
    next();
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
