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
  const problem = (value: unknown): string | null =>
    typeof value === 'string' ? problemOf(value) : 'must be a string';
  return ValidateBy({
    name: 'satisfies',
    validator: {
      validate: (value: unknown) => problem(value) === null,
      defaultMessage: (args?: ValidationArguments) => problem(args?.value) ?? '',
    },
  });
}
