import { characterNotInAName } from '@sluice/enrichment';
import { ValidateBy, type ValidationArguments } from 'class-validator';

/**
 * A name people read in lists and logs (a workspace's, an API key's) holds no control or format
 * character: a zero-width space or a right-to-left override makes one name look like another, and a
 * bell or a line break garbles the log line that quotes it. The refusal names the code point, as
 * the refusal of such a character in a person's name does.
 */
export function ReadableName(field: string): PropertyDecorator {
  return ValidateBy({
    name: 'readableName',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || characterNotInAName(value) === null,
      defaultMessage: (args?: ValidationArguments) =>
        `${field} holds ${characterNotInAName(String(args?.value ?? ''))}, a control or invisible character`,
    },
  });
}
