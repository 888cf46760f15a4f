import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Response } from 'express';
import type { SimulatedReply } from './simulated-provider';

/**
 * How a successful answer is spoiled (`answer_fault`), each as paid APIs and the proxies in front of
 * them have been seen to answer in production. The provider has done the work, and charged for it,
 * before the answer is spoiled: the caller holds a 2xx it cannot use.
 * - `html`: a 200 HTML page (a CDN's or load balancer's maintenance page) instead of JSON;
 * - `empty`: a 200 with a JSON content type and no body;
 * - `truncated`: the first half of the JSON answer (a connection cut short by a proxy);
 * - `json_null`: the JSON literal `null`;
 * - `nul_in_text`: the answer with a NUL character (`\u0000`) escaped into every string value that
 *   holds a space (names, titles, company names: free text, never an id, an e-mail or a domain);
 * - `lone_surrogate_in_text`: the same with half of a UTF-16 surrogate pair (`\ud800`), as a
 *   provider that cut a string between the halves of an emoji writes it;
 * - `oversized`: the answer followed by `bytes` of JSON whitespace, sent chunked (no length);
 * - `trickle`: the headers and the first half of the answer, then the rest `pause_ms` later.
 */
export const ANSWER_FAULT_KINDS = [
  'html',
  'empty',
  'truncated',
  'json_null',
  'nul_in_text',
  'lone_surrogate_in_text',
  'oversized',
  'trickle',
] as const;

export type AnswerFaultKind = (typeof ANSWER_FAULT_KINDS)[number];

export interface AnswerFaultSetting {
  kind: AnswerFaultKind;
  /**
   * The endpoints whose answers are spoiled, as the call counter names them (`GET /person/lookup`);
   * absent: every endpoint's.
   */
  endpoints?: string[];
  /** `oversized`: how many bytes of padding follow the answer. */
  bytes?: number;
  /** `trickle`: how long the rest of the body is held back. */
  pause_ms?: number;
}

export const DEFAULT_OVERSIZED_BYTES = 20 * 1024 * 1024;
export const MAX_OVERSIZED_BYTES = 200 * 1024 * 1024;
export const DEFAULT_TRICKLE_PAUSE_MS = 30_000;
export const MAX_TRICKLE_PAUSE_MS = 300_000;

const MAINTENANCE_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Service Temporarily Unavailable</title></head>' +
  '<body><h1>Service Temporarily Unavailable</h1><p>The server is temporarily unable to service your ' +
  'request due to maintenance downtime. Please try again later.</p></body></html>\n';
const PADDING_CHUNK = ' '.repeat(64 * 1024);

/** Whether a call's answer is to be spoiled under `fault`: only successful answers are. */
export function spoils(
  fault: AnswerFaultSetting | null | undefined,
  endpoint: string,
  status: number,
): boolean {
  return !!fault && status >= 200 && status < 300 && (!fault.endpoints || fault.endpoints.includes(endpoint));
}

/** A JSON text with `escape` written in before the first space of every string literal holding one. */
function withEscapeInText(json: string, escape: string): string {
  return json.replace(/"((?:[^"\\]|\\.)*)"/g, (literal, inner: string) =>
    inner.includes(' ') ? `"${inner.replace(' ', `${escape} `)}"` : literal,
  );
}

/** Writes `chunk`, waiting for the socket to drain when it asks to; false once the caller has gone. */
async function write(response: Response, chunk: string): Promise<boolean> {
  if (response.destroyed) {
    return false;
  }
  if (!response.write(chunk)) {
    // One signal for both waits, aborted once either fires, so that no listener outlives its chunk.
    const settled = new AbortController();
    await Promise.race([
      once(response, 'drain', { signal: settled.signal }),
      once(response, 'close', { signal: settled.signal }),
    ]).finally(() => settled.abort());
  }
  return !response.destroyed;
}

/** Sends `reply` spoiled as `fault` says, with `headers` (the rate-limit ones, the reply's own). */
export async function sendSpoiled(
  response: Response,
  reply: SimulatedReply,
  fault: AnswerFaultSetting,
  headers: Record<string, string>,
): Promise<void> {
  const json = reply.raw?.text ?? JSON.stringify(reply.body ?? null);
  response.status(reply.status);
  for (const [name, value] of Object.entries(headers)) {
    response.setHeader(name, value);
  }
  switch (fault.kind) {
    case 'html':
      response.type('text/html').send(MAINTENANCE_PAGE);
      return;
    case 'empty':
      response.type('application/json').send('');
      return;
    case 'truncated':
      response.type('application/json').send(json.slice(0, Math.floor(json.length / 2)));
      return;
    case 'json_null':
      response.type('application/json').send('null');
      return;
    case 'nul_in_text':
      response.type('application/json').send(withEscapeInText(json, '\\u0000'));
      return;
    case 'lone_surrogate_in_text':
      response.type('application/json').send(withEscapeInText(json, '\\ud800'));
      return;
    case 'oversized': {
      response.type('application/json');
      let left = fault.bytes ?? DEFAULT_OVERSIZED_BYTES;
      if (!(await write(response, json))) {
        return;
      }
      while (left > 0) {
        const chunk = left >= PADDING_CHUNK.length ? PADDING_CHUNK : PADDING_CHUNK.slice(0, left);
        left -= chunk.length;
        if (!(await write(response, chunk))) {
          return;
        }
      }
      response.end();
      return;
    }
    case 'trickle': {
      response.type('application/json');
      const half = Math.floor(json.length / 2);
      response.flushHeaders();
      if (!(await write(response, json.slice(0, half)))) {
        return;
      }
      const closed = new AbortController();
      response.once('close', () => closed.abort());
      await sleep(fault.pause_ms ?? DEFAULT_TRICKLE_PAUSE_MS, undefined, { signal: closed.signal }).catch(
        () => undefined,
      );
      if (!response.destroyed) {
        response.end(json.slice(half));
      }
      return;
    }
  }
}

/** `answer_fault` from a PATCH body: the setting, or what is wrong with it. */
export function parseAnswerFault(value: unknown): { fault: AnswerFaultSetting | null } | { problem: string } {
  if (value === null) {
    return { fault: null };
  }
  const shape = `{"kind": ${ANSWER_FAULT_KINDS.join('|')}, "endpoints"?: ["GET /path", ...], "bytes"?: n, "pause_ms"?: n}`;
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { problem: `answer_fault must be ${shape} or null` };
  }
  const { kind, endpoints, bytes, pause_ms, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    return {
      problem: `unknown field 'answer_fault.${unknown[0]}'; allowed: kind, endpoints, bytes, pause_ms`,
    };
  }
  if (!ANSWER_FAULT_KINDS.includes(kind as AnswerFaultKind)) {
    return {
      problem: `answer_fault.kind must be one of ${ANSWER_FAULT_KINDS.join(', ')} (got ${JSON.stringify(kind)})`,
    };
  }
  if (
    endpoints !== undefined &&
    (!Array.isArray(endpoints) ||
      endpoints.length === 0 ||
      !endpoints.every((e) => typeof e === 'string' && /^[A-Z]+ \//.test(e)))
  ) {
    return { problem: 'answer_fault.endpoints must be a non-empty list like ["GET /person/lookup"]' };
  }
  if (
    bytes !== undefined &&
    (kind !== 'oversized' ||
      !Number.isInteger(bytes) ||
      (bytes as number) < 1 ||
      (bytes as number) > MAX_OVERSIZED_BYTES)
  ) {
    return {
      problem: `answer_fault.bytes is for oversized only, a whole number from 1 to ${MAX_OVERSIZED_BYTES}`,
    };
  }
  if (
    pause_ms !== undefined &&
    (kind !== 'trickle' ||
      !Number.isInteger(pause_ms) ||
      (pause_ms as number) < 0 ||
      (pause_ms as number) > MAX_TRICKLE_PAUSE_MS)
  ) {
    return {
      problem: `answer_fault.pause_ms is for trickle only, a whole number from 0 to ${MAX_TRICKLE_PAUSE_MS}`,
    };
  }
  return {
    fault: {
      kind: kind as AnswerFaultKind,
      ...(endpoints ? { endpoints: [...(endpoints as string[])] } : {}),
      ...(bytes !== undefined ? { bytes: bytes as number } : {}),
      ...(pause_ms !== undefined ? { pause_ms: pause_ms as number } : {}),
    },
  };
}
