import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { ChargedReply, SimulatedReply } from '../simulation/simulated-provider';
import { TaskBoard } from '../simulation/task-board';
import { SandboxState } from '../state/sandbox-state';
import type { WorldPerson } from '../world/contacts';
import { World } from '../world/generate-world';
import { nimbusLookup } from './phone-providers';

/** Nimbus Lookup's price per finished lookup (hit or miss), as its cost table says. */
const NIMBUS_PRICE = 0.5;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function national(e164: string | null): string | null {
  return e164 ? (parsePhoneNumberFromString(e164)?.formatNational() ?? null) : null;
}

/** The three phone vendors over the world: each knows its own share of people's phones. */
@Injectable()
export class PhonesSimulation {
  constructor(
    private readonly world: World,
    private readonly tasks: TaskBoard,
    private readonly state: SandboxState,
  ) {}

  /** Orion Connect `POST /v1/phones/lookup`: 1 credit per match, 404 for none. */
  orionLookup(request: Request): SimulatedReply | ChargedReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!text(body.first_name) || !text(body.last_name)) {
      return {
        status: 400,
        body: { error: 'invalid_request', message: 'first_name and last_name are required' },
      };
    }
    const person = this.find('orion-connect', {
      name: `${text(body.first_name)} ${text(body.last_name)}`,
      domain: text(body.company_domain),
      email: text(body.email),
      linkedin: text(body.linkedin_url),
    });
    if (!person) {
      return { status: 404, body: { error: 'no_match', message: 'No phone found for this person' } };
    }
    const phones = [
      person.mobile_phone && { number: person.mobile_phone, line_type: 'mobile', confidence: 0.92 },
      person.direct_phone && { number: person.direct_phone, line_type: 'landline', confidence: 0.81 },
    ].filter(Boolean);
    return { reply: { status: 200, body: { phones, credits_charged: 1 } }, charge: 1 };
  }

  /** Astra Dialer `GET /api/find-phone?name=&domain=`: national-format numbers, 1 credit per find. */
  astraFind(request: Request): SimulatedReply | ChargedReply {
    const name = text(request.query.name);
    const domain = text(request.query.domain);
    if (!name || !domain) {
      return { status: 400, body: { status: 'error', error: 'name and domain are required' } };
    }
    const person = this.find('astra-dialer', { name, domain });
    if (!person) {
      return { status: 200, body: { status: 'not_found', result: null } };
    }
    return {
      reply: {
        status: 200,
        body: {
          status: 'found',
          result: {
            mobile: national(person.mobile_phone),
            direct: national(person.direct_phone),
            national_format: 'GB',
          },
        },
      },
      charge: 1,
    };
  }

  /** Nimbus Lookup `POST /lookups`: queued, done after `task_delay_ms`, charged hit or miss. */
  nimbusStart(request: Request): SimulatedReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const name = text(body.name);
    if (!name.includes(' ')) {
      return {
        status: 422,
        body: { error: { code: 'invalid_request', message: 'name (first and last) is required' } },
      };
    }
    const callback = text(body.callback_url);
    if (callback && !/^https?:\/\/\S+$/.test(callback)) {
      return {
        status: 422,
        body: { error: { code: 'invalid_request', message: 'callback_url must be an http(s) URL' } },
      };
    }
    const id = `lk_${randomBytes(10).toString('hex')}`;
    const person = this.find('nimbus-lookup', {
      name,
      domain: text(body.domain),
      email: text(body.email),
      linkedin: text(body.linkedin_url),
    });
    const runtime = this.state.runtimeOf(nimbusLookup);
    this.tasks.create({
      provider: nimbusLookup.name,
      id,
      delayMs: runtime.settings.task_delay_ms,
      finish: () => {
        if ((runtime.settings.credits ?? 0) < NIMBUS_PRICE) {
          return { body: { id, state: 'failed', numbers: [], error: 'payment_required' }, charge: 0 };
        }
        const numbers = person
          ? [
              person.mobile_phone && { e164: person.mobile_phone, type: 'mobile' },
              person.direct_phone && { e164: person.direct_phone, type: 'direct' },
            ].filter(Boolean)
          : [];
        // Nimbus Lookup's price: half a credit per finished lookup, found or not.
        return { body: { id, state: 'done', numbers, error: null }, charge: NIMBUS_PRICE };
      },
      webhook: callback ? { url: callback } : undefined,
    });
    return { status: 202, body: { id, state: 'queued' } };
  }

  nimbusStatus(id: string): SimulatedReply {
    const status = this.tasks.status(nimbusLookup.name, id);
    if (!status) {
      return { status: 404, body: { error: { code: 'not_found', message: `No lookup ${id}` } } };
    }
    return { status: 200, body: status.state === 'pending' ? { id, state: 'queued' } : status.body };
  }

  private find(
    provider: string,
    by: { name: string; domain?: string; email?: string; linkedin?: string },
  ): WorldPerson | undefined {
    const { contacts } = this.world;
    const [first, ...rest] = by.name.split(/\s+/);
    const person =
      (by.email ? contacts.byEmailAddress(by.email) : undefined) ??
      (by.linkedin ? contacts.byLinkedinUrl(by.linkedin) : undefined) ??
      (by.domain && rest.length > 0 ? contacts.byNameAt(first, rest.join(' '), by.domain) : undefined);
    return person && (person.mobile_phone || person.direct_phone) && contacts.knows(provider, 'phone', person)
      ? person
      : undefined;
  }
}
