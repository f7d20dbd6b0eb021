// A real HTTP server on 127.0.0.1 that speaks Ayrshare's analytics endpoint, answering what each test scripts, and its
// post history endpoint (GET /api/history/:platform), scripted apart: by default every network has no recent posts.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** When the request arrived (Date.now()), to check the waits between retries. */
  at: number;
}

export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw text instead of JSON. */
  text?: string;
  /** Wait this long before answering (to provoke client timeouts). */
  delayMs?: number;
  /** Drop the connection without answering (a reset mid-request). */
  reset?: boolean;
}

export type Responder = (request: RecordedRequest, index: number) => ScriptedAnswer;

export interface AyrshareStandIn {
  baseUrl: string;
  /** The analytics requests (POST /api/analytics/social and anything else but history). */
  requests: RecordedRequest[];
  /** The post history requests (GET /api/history/:platform). */
  historyRequests: RecordedRequest[];
  /** Answers history requests with this from now on (the network is the URL's last path segment). */
  scriptHistory(responder: (platform: string, request: RecordedRequest) => ScriptedAnswer): void;
  /** The most requests that were waiting for their answer at one time since the last script(). */
  readonly maxInFlight: number;
  /** Answers the next requests with these, in order; the last one repeats. */
  script(...answers: Array<ScriptedAnswer | Responder>): void;
  close(): Promise<void>;
}

/**
 * The older sample answer (test/fixtures/ayrshare-social-sample.json): 7 platforms. Its one `lastUpdated` (Facebook's)
 * is left out unless asked for: the tests replay this answer day after day, and a fixed stamp would make every later
 * day "not refreshed" (test/integration/freshness.test.ts is where stamps are tested).
 */
export function loadFixture(options: { keepLastUpdated?: boolean } = {}): Record<string, unknown> {
  const answer = JSON.parse(
    readFileSync(path.resolve(__dirname, '../fixtures/ayrshare-social-sample.json'), 'utf8'),
  ) as Record<string, unknown>;
  if (options.keepLastUpdated) return answer;
  return Object.fromEntries(
    Object.entries(answer).map(([key, block]) => {
      if (!block || typeof block !== 'object' || Array.isArray(block)) return [key, block];
      const { lastUpdated: _lastUpdated, ...rest } = block as Record<string, unknown>;
      return [key, rest];
    }),
  );
}

export async function startAyrshareStandIn(): Promise<AyrshareStandIn> {
  const requests: RecordedRequest[] = [];
  const historyRequests: RecordedRequest[] = [];
  let history = (_platform: string, _request: RecordedRequest): ScriptedAnswer => ({
    body: { status: 'success', posts: [] },
  });
  let answers: Array<ScriptedAnswer | Responder> = [{ status: 200, body: loadFixture() }];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        /* keep the text */
      }
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now() };
      const historyPath = /^\/api\/history\/([^/?]+)/.exec(recorded.url);
      if (req.method === 'GET' && historyPath) {
        historyRequests.push(recorded);
        const answer = history(decodeURIComponent(historyPath[1]), recorded);
        const reply = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...answer.headers });
          res.end(answer.text ?? JSON.stringify(answer.body ?? {}));
        };
        if (answer.delayMs) setTimeout(reply, answer.delayMs).unref();
        else reply();
        return;
      }
      const index = requests.push(recorded) - 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const scripted = answers[Math.min(index, answers.length - 1)];
      const answer = typeof scripted === 'function' ? scripted(recorded, index) : scripted;
      const send = () => {
        inFlight -= 1;
        if (res.destroyed) return;
        if (answer.reset) {
          req.socket.resetAndDestroy();
          return;
        }
        res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...answer.headers });
        res.end(answer.text ?? JSON.stringify(answer.body ?? {}));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    historyRequests,
    scriptHistory(responder) {
      history = responder;
      historyRequests.length = 0;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    script(...next) {
      answers = next;
      requests.length = 0;
      maxInFlight = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
