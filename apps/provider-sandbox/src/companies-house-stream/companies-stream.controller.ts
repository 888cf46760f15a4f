import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { authenticateStream, companiesHouse } from '../companies-house/companies-house.provider';
import { SandboxState } from '../state/sandbox-state';
import { StreamHub } from './stream-hub';

/**
 * The Companies House Streaming API's companies stream (provider-apis.md §3) at
 * `/companies-house-stream/companies`: Basic auth with a streaming key (a REST key gets 401, as a
 * streaming key does on the REST API), `?timepoint=` to resume, 416 when the timepoint is out of
 * range. Events come every `task_delay_ms` of companies-house (250 ms when 0).
 */
@Controller()
export class CompaniesStreamController {
  constructor(
    private readonly hub: StreamHub,
    private readonly state: SandboxState,
  ) {}

  @Get('companies-house-stream/companies')
  companies(@Req() request: Request, @Res() response: Response): void {
    const runtime = this.state.runtimeOf(companiesHouse);
    runtime.calls.record('GET /companies (stream)');
    const auth = authenticateStream(request);
    if ('reply' in auth) {
      response.status(auth.reply.status).json(auth.reply.body);
      return;
    }
    if (runtime.settings.outage) {
      response.status(503).json({ error: 'service-unavailable' });
      return;
    }
    const raw = request.query.timepoint;
    let from = this.hub.head;
    if (raw !== undefined) {
      const timepoint = typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!this.hub.inRange(timepoint)) {
        this.hub.refuse(timepoint);
        response.status(416).json({ error: 'requested timepoint is out of range' });
        return;
      }
      from = timepoint;
    }
    this.hub.open(response, from, runtime.settings.task_delay_ms, raw === undefined ? null : from);
  }

  /**
   * Every connection opened: the timepoint it asked to resume from (null: the head) and where it
   * started; and every one refused as out of range (`refused: 416`).
   */
  @Get('_sandbox/providers/companies-house/stream/connections')
  connections(): StreamHub['opened'] {
    return this.hub.opened;
  }

  /** Drops every open stream connection, so clients' reconnect and resume can be tested. */
  @Post('_sandbox/providers/companies-house/stream/disconnect')
  @HttpCode(200)
  disconnect(): { disconnected: number } {
    return { disconnected: this.hub.disconnectAll() };
  }
}
