/**
 * Server-sent event streams (`GET /v1/jobs/:id/events`) read to their end, as a client would.
 */

/** Reads a server-sent event stream to its end (with a deadline): each event's name and JSON data. */
export async function readEvents(url: string, token: string): Promise<StreamedEvent[]> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: AbortSignal.timeout(20_000),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  return eventsOf(await response.text());
}

export interface StreamedEvent {
  id: string | undefined;
  event: string;
  data: Record<string, unknown>;
}

/** The events of a server-sent event stream; comment lines (`: keep-alive`) are not events. */
export function eventsOf(text: string): StreamedEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.split('\n').some((line) => line.length > 0 && !line.startsWith(':')))
    .map((block) => {
      const lines = block.split('\n');
      const id = lines.find((line) => line.startsWith('id: '))?.slice(4);
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return { id, event, data: JSON.parse(data) as Record<string, unknown> };
    });
}
