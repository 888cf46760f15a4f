import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { ChargedReply, SimulatedReply } from '../simulation/simulated-provider';
import { World } from '../world/generate-world';

const EMAIL = /^([^\s@]+)@((?:[a-z0-9-]+\.)+[a-z]{2,})$/i;

/** Reacher's `POST /v0/check_email`, answering from the world's deliverability of each address. */
@Injectable()
export class EmailVerifierSimulation {
  constructor(private readonly world: World) {}

  checkEmail(request: Request): SimulatedReply | ChargedReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.to_email !== 'string' || body.to_email.trim() === '') {
      return { status: 400, body: { error: 'to_email is required' } };
    }
    const input = body.to_email.trim();
    const match = EMAIL.exec(input.toLowerCase());
    if (!match) {
      return {
        reply: {
          status: 200,
          body: {
            input,
            is_reachable: 'invalid',
            misc: { type: 'Skipped', message: 'Skipped because the syntax is invalid' },
            mx: { type: 'Skipped', message: 'Skipped because the syntax is invalid' },
            smtp: { type: 'Skipped', message: 'Skipped because the syntax is invalid' },
            syntax: { address: null, domain: '', is_valid_syntax: false, username: '' },
          },
        },
        charge: 1,
      };
    }
    const [, username, domain] = match;
    const truth = this.world.contacts.emailTruthOf(input);
    const reachable = {
      valid: 'safe',
      invalid: 'invalid',
      catch_all: 'risky',
      risky: 'risky',
      unknown: 'unknown',
    }[truth];
    return {
      reply: {
        status: 200,
        body: {
          input,
          is_reachable: reachable,
          misc: {
            is_disposable: false,
            is_role_account: /^(info|sales|support|admin|hello)$/.test(username),
            gravatar_url: null,
          },
          mx: {
            accepts_mail:
              truth !== 'invalid' || this.world.contacts.companyByDomainName(domain) !== undefined,
            records: [`mx1.${domain}.`, `mx2.${domain}.`],
          },
          smtp: {
            can_connect_smtp: truth !== 'unknown',
            has_full_inbox: truth === 'risky',
            is_catch_all: truth === 'catch_all',
            is_deliverable: truth === 'valid' || truth === 'catch_all',
            is_disabled: false,
          },
          syntax: { address: `${username}@${domain}`, domain, is_valid_syntax: true, username },
        },
      },
      charge: 1,
    };
  }
}
