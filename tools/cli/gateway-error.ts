/** The message of a gateway's error answer (a list of them joined), else the answer itself. */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : JSON.stringify(error);
}
