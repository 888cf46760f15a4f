import { validateSync, type ValidationError } from 'class-validator';
import { settingsOf, type SettingMeta } from './setting';

export type Env = Record<string, string | undefined>;

/** A setting that is missing or invalid. The message names the variable and never its secret value. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function convert(meta: SettingMeta, raw: string, fallback: unknown): unknown {
  const value = raw.trim();
  // The default's type wins: decorator metadata only knows annotated types (`port = 3000` has none).
  const kind =
    typeof fallback === 'number' ? 'number' : typeof fallback === 'boolean' ? 'boolean' : meta.kind;
  switch (kind) {
    case 'number':
      // An empty or non-numeric string becomes NaN, which the validators reject by name.
      return value === '' ? Number.NaN : Number(value);
    case 'boolean':
      if (['true', '1', 'yes', 'on'].includes(value.toLowerCase())) {
        return true;
      }
      if (['false', '0', 'no', 'off'].includes(value.toLowerCase())) {
        return false;
      }
      return value; // rejected by @IsBoolean with the variable's name
    default:
      return value;
  }
}

function describe(errors: ValidationError[], byProperty: Map<string, SettingMeta>, env: Env): string[] {
  return errors.map((error) => {
    const meta = byProperty.get(error.property);
    const name = meta?.env ?? error.property;
    const reasons = Object.values(error.constraints ?? {}).map((reason) =>
      // class-validator phrases constraints with the property name; speak of the variable instead.
      reason.replace(new RegExp(`^${error.property}\\b`), name),
    );
    // What the variable says, not what it was converted to: `GATEWAY_PORT=abc` is NaN once
    // converted, which JSON writes as null.
    const raw = meta ? env[meta.env] : undefined;
    const value: unknown = raw !== undefined && raw !== '' ? raw : error.value;
    const got = meta?.sensitive || value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
    return `${name}: ${reasons.join('; ')}${got}. ${meta?.description ?? ''}`.trim();
  });
}

/**
 * Reads one config class from the environment, converts and validates every setting, and throws a
 * {@link ConfigError} that names each bad or missing variable.
 */
export function loadConfig<T extends object>(cls: new () => T, env: Env = process.env): T {
  const config = new cls();
  const settings = settingsOf(cls);
  const byProperty = new Map(settings.map((s) => [s.property, s]));
  for (const meta of settings) {
    const raw = env[meta.env];
    if (raw !== undefined && (raw !== '' || meta.emptyIsValue)) {
      const target = config as Record<string, unknown>;
      target[meta.property] = convert(meta, raw, target[meta.property]);
    }
  }
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(describe(errors, byProperty, env));
  }
  return Object.freeze(config);
}

/** Loads several config sections at once and reports the problems of all of them together. */
export function loadConfigs<T extends (new () => object)[]>(
  classes: [...T],
  env: Env = process.env,
): { [K in keyof T]: T[K] extends new () => infer I ? I : never } {
  const problems: string[] = [];
  const loaded = classes.map((cls) => {
    try {
      return loadConfig(cls, env);
    } catch (error) {
      if (error instanceof ConfigError) {
        problems.push(...error.problems);
        return undefined;
      }
      throw error;
    }
  });
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return loaded as { [K in keyof T]: T[K] extends new () => infer I ? I : never };
}

/** Replaces every sensitive value that appears in `text` (e.g. a URL with a password) by `***`. */
export function maskSecrets(text: string, configs: object[]): string {
  let masked = text;
  for (const config of configs) {
    for (const meta of settingsOf(config.constructor)) {
      const value = (config as Record<string, unknown>)[meta.property];
      if (meta.sensitive && typeof value === 'string' && value.length > 0) {
        masked = masked.split(value).join('***');
      }
    }
  }
  return masked;
}
