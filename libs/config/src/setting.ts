import 'reflect-metadata';
import { ValidateBy, type ValidationArguments } from 'class-validator';

/** What we know of one environment variable: enough to document it, validate it and mask it in logs. */
export interface SettingMeta {
  /** The environment variable's name. */
  env: string;
  description: string;
  /** Secrets are never printed: not in logs, not in error messages. */
  sensitive: boolean;
  /** Shown in `.env.example` when the setting has no default worth showing. */
  example?: string;
  /** The property on the config object. */
  property: string;
  /** The runtime type, for converting the raw string. */
  kind: 'string' | 'number' | 'boolean';
  /**
   * An empty value is the setting's value (e.g. a schedule turned off), not its default. Without
   * it an empty variable stands for an unset one: `KEY=${KEY:-}` in docker compose passes an empty
   * string for every variable the shell does not set.
   */
  emptyIsValue?: boolean;
}

const SETTINGS = Symbol('sluice:settings');

/**
 * Declares that a config property comes from an environment variable. Validation stays with
 * class-validator decorators on the same property.
 */
export function Setting(meta: {
  env: string;
  description: string;
  sensitive?: boolean;
  example?: string;
  emptyIsValue?: boolean;
}): PropertyDecorator {
  return (target, property) => {
    const type: unknown = Reflect.getMetadata('design:type', target, property);
    const kind = type === Number ? 'number' : type === Boolean ? 'boolean' : 'string';
    const list = settingsOf(target.constructor);
    const own: SettingMeta[] = Reflect.hasOwnMetadata(SETTINGS, target.constructor) ? list : [...list];
    own.push({ sensitive: false, ...meta, property: String(property), kind });
    Reflect.defineMetadata(SETTINGS, own, target.constructor);
  };
}

export function settingsOf(cls: abstract new (...args: never[]) => unknown): SettingMeta[];
export function settingsOf(cls: object): SettingMeta[];
export function settingsOf(cls: object): SettingMeta[] {
  return (Reflect.getMetadata(SETTINGS, cls) as SettingMeta[] | undefined) ?? [];
}

/**
 * Validates a setting with a function that names its problem (`null`: none), the message being
 * that problem. class-validator's `@Validate` takes a constraint class, not a function: handed an
 * arrow function it never calls it and lets every value through.
 */
export function Satisfies(problemOf: (value: string) => string | null): PropertyDecorator {
  // Phrased with the property's name, which the loader turns into the variable's.
  const problem = (value: unknown, property = 'the setting'): string | null =>
    typeof value === 'string'
      ? problemOf(value)
      : value === undefined
        ? `${property} is not set`
        : `${property} must be a string`;
  return ValidateBy({
    name: 'satisfies',
    validator: {
      validate: (value: unknown) => problem(value) === null,
      defaultMessage: (args?: ValidationArguments) => problem(args?.value, args?.property) ?? '',
    },
  });
}

/**
 * Validates that a number setting is no greater than another of its section (`other`, the
 * property; `otherEnv`, its variable, for the message).
 */
export function AtMostSetting(other: string, otherEnv: string): PropertyDecorator {
  const limitOf = (args?: ValidationArguments): unknown => (args?.object as Record<string, unknown>)[other];
  return ValidateBy({
    name: 'atMostSetting',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const limit = limitOf(args);
        // A value that is no number is refused by its own validators, by name.
        return !Number.isFinite(value) || !Number.isFinite(limit) || (value as number) <= (limit as number);
      },
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property ?? 'the setting'} must not be greater than ${otherEnv} (${String(limitOf(args))})`,
    },
  });
}
