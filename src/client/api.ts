/**
 * Talking to the service, for every front end (no DOM: fetch and crypto are in
 * browsers and Node alike). Three outcomes: an answer, a refusal (problem+json),
 * or no answer at all (the server is unreachable), which callers queue.
 */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

/** The service refused the request; the problem says why. */
export class Refused extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

/** No answer: network down, server stopped, or a gateway saying so. The request may or may not have been applied. */
export class Unreachable extends Error {}

export interface RequestOptions {
  body?: unknown;
  token?: string | null;
  idempotencyKey?: string;
  timeoutMs?: number;
}

/** Statuses that mean "the service did not answer this request", not "it said no". */
const NO_ANSWER = new Set([502, 503, 504]);

export async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
  // Node's fetch types (this module is also checked without the DOM library) do not know `cache`; browsers do.
  const init: RequestInit & { cache?: 'no-store' } = {
    method,
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    signal: controller.signal,
    cache: 'no-store',
  };
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    clearTimeout(timer);
    throw new Unreachable(`${method} ${path}: no answer`);
  }
  // The timer runs on while the body is read: a body that stalls is aborted too (then it is no answer).
  // Once the body is in, the abort does nothing.
  if (NO_ANSWER.has(res.status)) throw new Unreachable(`${method} ${path}: ${res.status}`);
  if (!res.ok) throw new Refused(await problemOf(res));
  return res;
}

async function problemOf(res: Response): Promise<Problem> {
  try {
    const body = (await res.json()) as Partial<Problem>;
    if (typeof body.code === 'string') {
      return { ...body, title: body.title ?? res.statusText, status: res.status, detail: body.detail ?? body.title ?? res.statusText, code: body.code };
    }
  } catch {
    // not JSON
  }
  return { title: res.statusText, status: res.status, detail: `${res.status} ${res.statusText}`, code: `http.${res.status}` };
}

/**
 * A random UUID v4 for Idempotency-Key. crypto.randomUUID needs a secure
 * context, and a station on the workshop LAN is plain HTTP; getRandomValues is
 * available everywhere.
 */
export function newKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The file name a Content-Disposition header gives, else `fallback`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const named = disposition ? /filename="?([^";]+)"?/i.exec(disposition)?.[1] : undefined;
  return named ?? fallback;
}
