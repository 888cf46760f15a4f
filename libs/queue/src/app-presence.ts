import { createHash, createHmac } from 'node:crypto';
import type { DeploymentProblem } from '@sluice/platform';
import type { Redis } from 'ioredis';

/**
 * What a running app says about itself under its queue prefix: its name, when it last said so, and
 * public names of the settings the apps of one installation must share. Never a secret: a secret
 * setting appears as an HMAC of a fixed label keyed by the secret (see {@link settingFingerprint}).
 */
export interface AppPresence {
  /** `<app>@<host>:<pid>/<random>`: unique per process, readable in a message. */
  instance: string;
  app: string;
  /** Epoch ms of its latest report, by Redis's clock (the same for every host). */
  seenAt: number;
  /**
   * Settings every app that reports them must hold alike: setting name → fingerprint (`unset` when
   * the setting is empty). `DATABASE_URL` stands for the database it reaches, not for the URL.
   */
  shared: Record<string, string>;
  /**
   * `CREDENTIALS_MASTER_KEY`: the key id it seals workspaces' credentials under (the gateway) and
   * the ids it can open (the worker: the key and `CREDENTIALS_MASTER_KEY_PREVIOUS`). Key ids are the
   * public names already stored beside each sealed row.
   */
  credentialKeys?: { seals?: string; opens?: string[] };
}

/** The Redis hash of the apps' reports on a queue prefix (one field per process). */
export function presenceKey(queuePrefix: string): string {
  return `${queuePrefix}:apps`;
}

/**
 * A public name of a secret setting's value: an HMAC of a fixed label keyed by the value, so equal
 * values give equal names and nothing of the value can be learnt from it. A guess can be checked
 * against it, as against any function of the value: harmless for the random 32-byte keys these
 * settings hold, which is why the name is shown on /health. 48 bits tell two random keys apart.
 */
export function settingFingerprint(setting: string, value: string): string {
  if (value === '') {
    return 'unset';
  }
  return createHmac('sha256', value).update(`sluice shared setting ${setting}`).digest('hex').slice(0, 12);
}

/** A public name of something that is no secret (which database an app reaches). */
export function plainFingerprint(setting: string, value: string): string {
  return createHash('sha256').update(`sluice shared setting ${setting}\n${value}`).digest('hex').slice(0, 12);
}

/**
 * Redis's clock, in ms. Reports are dated and aged by it, not by each host's: the apps run on hosts
 * whose clocks may differ by more than a report's life (15 s), and a report dated by a host behind
 * the others looked gone to them (a worker reporting every 5 s taken for none, its settings not
 * compared), one dated by a host ahead looked live after its process had stopped.
 */
async function redisNowMs(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** Reports and keeps the report of this process, dated now by Redis's clock (its `seenAt` is set). */
export async function reportPresence(
  redis: Redis,
  queuePrefix: string,
  presence: AppPresence,
): Promise<void> {
  presence.seenAt = await redisNowMs(redis);
  await redis.hset(presenceKey(queuePrefix), presence.instance, JSON.stringify(presence));
}

/** Removes this process's report (on shutdown), so its replicas do not count it as live. */
export async function withdrawPresence(redis: Redis, queuePrefix: string, instance: string): Promise<void> {
  await redis.hdel(presenceKey(queuePrefix), instance);
}

/**
 * The reports made within `liveMs`, by Redis's clock. Reports older than ten times that (processes
 * killed without withdrawing theirs) are deleted, so the hash stays as small as the installation.
 */
export async function livePresence(
  redis: Redis,
  queuePrefix: string,
  liveMs: number,
): Promise<AppPresence[]> {
  const now = await redisNowMs(redis);
  const fields = await redis.hgetall(presenceKey(queuePrefix));
  const live: AppPresence[] = [];
  const dead: string[] = [];
  for (const [instance, text] of Object.entries(fields)) {
    let presence: AppPresence | null = null;
    try {
      presence = JSON.parse(text) as AppPresence;
    } catch {
      // Not a report of this version: deleted with the dead ones.
    }
    const age = now - (presence?.seenAt ?? 0);
    if (presence && age <= liveMs) {
      live.push(presence);
    } else if (age > 10 * liveMs) {
      dead.push(instance);
    }
  }
  if (dead.length > 0) {
    await redis.hdel(presenceKey(queuePrefix), ...dead);
  }
  return live;
}

/** `a@h:1/x, b@h:2/y`, each instance once. */
const listOf = (instances: string[]): string => [...new Set(instances)].sort().join(', ');

/**
 * How the live apps disagree, as seen by `self` (only disagreements it takes part in):
 * - a shared setting with two fingerprints among the apps that report it;
 * - a credential key some app seals under that a credential-opening app cannot open.
 * During a rotation of `CREDENTIALS_MASTER_KEY` done as docs/operations.md says (the workers first
 * keep the new key among those they open), no app seals under a key another cannot open.
 */
export function disagreements(self: AppPresence, live: readonly AppPresence[]): DeploymentProblem[] {
  const others = live.filter((presence) => presence.instance !== self.instance);
  const all = [self, ...others];
  const problems: DeploymentProblem[] = [];
  for (const [setting, own] of Object.entries(self.shared)) {
    const groups = new Map<string, string[]>();
    for (const presence of all) {
      const value = presence.shared[setting];
      if (value !== undefined) {
        groups.set(value, [...(groups.get(value) ?? []), presence.instance]);
      }
    }
    if (groups.size > 1) {
      const differing = [...groups.entries()]
        .filter(([value]) => value !== own)
        .map(([value, instances]) => `${listOf(instances)} (${value})`);
      problems.push({
        setting,
        message: `${setting} differs between the apps of this installation: this app's is ${own}, ${differing.join('; ')}. Give every app the same ${setting}.`,
      });
    }
  }
  const sealers = all.filter((presence) => presence.credentialKeys?.seals !== undefined);
  const openers = all.filter((presence) => presence.credentialKeys?.opens !== undefined);
  for (const sealer of sealers) {
    const key = sealer.credentialKeys?.seals as string;
    const cannot = openers.filter((opener) => !(opener.credentialKeys?.opens ?? []).includes(key));
    if (cannot.length > 0 && [sealer, ...cannot].some((presence) => presence.instance === self.instance)) {
      problems.push({
        setting: 'CREDENTIALS_MASTER_KEY',
        message: `${sealer.instance} seals workspaces' provider credentials under master key ${key}, which ${listOf(cannot.map((opener) => opener.instance))} cannot open (it is neither their CREDENTIALS_MASTER_KEY nor in their CREDENTIALS_MASTER_KEY_PREVIOUS): credentials stored now fail every step that needs them. Give every app the same CREDENTIALS_MASTER_KEY (in a rotation, restart the workers with the new key first).`,
      });
    }
  }
  return problems;
}
