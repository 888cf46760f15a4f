import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SandboxState } from '../state/sandbox-state';
import { sendSpoiled, spoils } from './answer-faults';
import { windowsForCall } from './rate-limit-windows';
import {
  isChargedReply,
  type SimulatedAnswer,
  type SimulatedProvider,
  type SimulatedReply,
} from './simulated-provider';

/**
 * Runs one call to a simulated provider through the same steps a real provider's edge would:
 * authentication → outage → rate limit → injected failure → latency → the answer (or, injected, a
 * connection closed once the work is done and charged, or a successful answer spoiled: see
 * `answer_fault`). Every call is counted, whatever its outcome.
 */
@Injectable()
export class ProviderCallPipeline {
  constructor(private readonly state: SandboxState) {}

  async serve(
    provider: SimulatedProvider,
    /** The provider's real method and path template, e.g. `GET /company/{company_number}`. */
    endpoint: string,
    request: Request,
    response: Response,
    answer: () => SimulatedAnswer,
    /** Credits the call may cost: refused with the provider's out-of-credits answer when the balance is lower. */
    cost = 0,
  ): Promise<void> {
    const runtime = this.state.runtimeOf(provider);
    runtime.calls.record(endpoint);
    // Read once: a PATCH landing mid-call must not mix two sets of settings in one answer.
    const settings = runtime.settings;

    const authentication = provider.authenticate(request, runtime.credentialsRevokedAt);
    if ('reply' in authentication) {
      send(response, authentication.reply);
      return;
    }
    runtime.calls.recordCredential(authentication.key);
    if (settings.outage) {
      send(response, provider.unavailable());
      return;
    }
    let rateHeaders: Record<string, string> = {};
    if (settings.rate_limit) {
      const decision = runtime.rateWindows.takeAll(
        windowsForCall(provider, endpoint, authentication.key, settings.rate_limit),
        Date.now(),
      );
      rateHeaders = provider.rateLimitHeaders(decision.window);
      if (!decision.allowed) {
        runtime.calls.recordRateLimited(endpoint);
        send(response, provider.rateLimited(decision.window), rateHeaders);
        return;
      }
    }
    if (
      cost > 0 &&
      provider.outOfCredits &&
      settings.unlimited_credits !== true &&
      (settings.credits ?? 0) < cost
    ) {
      send(response, provider.outOfCredits(), rateHeaders);
      return;
    }
    if (runtime.drawFailure()) {
      send(response, provider.internalError(), rateHeaders);
      return;
    }
    if (settings.latency_ms > 0) {
      await sleep(settings.latency_ms);
    }
    const answered = answer();
    if (isChargedReply(answered)) {
      runtime.charge(answered.charge);
    }
    if (runtime.drawReset()) {
      // As when a provider's edge or a proxy drops the connection after the work was done: nothing
      // of the answer is written, the charge stands, and the caller cannot tell it was made.
      request.socket.destroy();
      return;
    }
    const reply = isChargedReply(answered) ? answered.reply : answered;
    if (spoils(settings.answer_fault, endpoint, reply.status)) {
      await sendSpoiled(response, reply, settings.answer_fault!, { ...rateHeaders, ...reply.headers });
      return;
    }
    send(response, reply, rateHeaders);
  }
}

function send(response: Response, reply: SimulatedReply, extraHeaders: Record<string, string> = {}): void {
  response.status(reply.status);
  for (const [name, value] of Object.entries({ ...extraHeaders, ...reply.headers })) {
    response.setHeader(name, value);
  }
  if (reply.raw) {
    response.type(reply.raw.contentType).send(reply.raw.text);
    return;
  }
  response.json(reply.body);
}
