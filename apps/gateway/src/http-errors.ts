import type { HttpException } from '@nestjs/common';

/**
 * The messages of a Nest HTTP exception's answer, as a list: a validation answer carries several,
 * others one (its `message`, else the exception's own).
 */
export function messagesOf(error: HttpException): string[] {
  const body = error.getResponse();
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  if (Array.isArray(message)) {
    return message.map(String);
  }
  return [typeof message === 'string' ? message : error.message];
}
