// A minimal Server-Sent Events reader for tests: parses events and comment lines off a real HTTP
// stream and lets the test wait for them.
import { request, type IncomingMessage } from 'node:http';
import { waitFor } from '@family/testing';

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: IncomingMessage['headers'];
  events: SseEvent[];
  comments: string[];
  next(count?: number, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { data: '' };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) ((event.id = line.slice(4)), (isEvent = true));
            else if (line.startsWith('event: ')) ((event.event = line.slice(7)), (isEvent = true));
            else if (line.startsWith('data: ')) ((event.data += line.slice(6)), (isEvent = true));
          }
          if (isEvent) events.push(event);
        }
      });
      res.on('error', () => undefined);
      let seen = 0;
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        async next(count = 1, timeoutMs = 5000) {
          await waitFor(() => events.length >= seen + count, { timeoutMs, what: `${count} SSE event(s)` });
          const got = events.slice(seen, seen + count);
          seen += count;
          return got;
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
