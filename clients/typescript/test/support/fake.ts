// A stand-in for the service, for the checks that need no service: a `fetch` that answers
// each request from a handler the test gives, and records what was asked. A handler may
// hold its answer back (a `Deferred`), so a test decides when a request in flight ends.

export interface Sent {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

type Handler = (request: Sent) => Response | Promise<Response>;

export class FakeService {
  readonly origin: string;
  readonly requests: Sent[] = [];
  readonly #handlers = new Map<string, Handler>();
  /** Waiters for the next request to a route, each resolved when it comes. */
  readonly #arrivals = new Map<string, Array<(request: Sent) => void>>();

  constructor(origin = 'https://auth.example.test') {
    this.origin = origin;
  }

  /** Answers `method` requests to `path` (the URL's path, without the query) with `handler`. */
  on(method: string, path: string, handler: Handler): this {
    this.#handlers.set(`${method} ${path}`, handler);
    return this;
  }

  /** Resolves when the next `method` request to `path` arrives. */
  arrival(method: string, path: string): Promise<Sent> {
    return new Promise((resolve) => {
      const key = `${method} ${path}`;
      this.#arrivals.set(key, [...(this.#arrivals.get(key) ?? []), resolve]);
    });
  }

  /** The requests made to `path`, any method. */
  sentTo(path: string): Sent[] {
    return this.requests.filter((request) => new URL(request.url).pathname === path);
  }

  readonly fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : input.toString(), this.origin).href;
    const text = typeof init.body === 'string' ? init.body : undefined;
    const request: Sent = {
      method: (init.method ?? 'GET').toUpperCase(),
      url,
      headers: new Headers(init.headers),
      body: text === undefined ? undefined : (JSON.parse(text) as unknown),
      credentials: init.credentials,
    };
    this.requests.push(request);
    const key = `${request.method} ${new URL(url).pathname}`;
    const waiting = this.#arrivals.get(key) ?? [];
    this.#arrivals.delete(key);
    for (const resolve of waiting) resolve(request);
    const handler = this.#handlers.get(key);
    if (handler === undefined) return json(404, { code: 'not_found', title: 'Not Found', status: 404 });
    return handler(request);
  };
}

/** A JSON answer. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });
}

/** A problem+json answer with `code`. */
export function problem(status: number, code: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json(status, { type: 'about:blank', title: code, status, code, ...extra }, headers);
}

/** An answer without a body. */
export function empty(status = 204): Response {
  return new Response(null, { status });
}

/** An unsigned JWT with `claims`: enough for a client that only reads the payload. */
export function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', kid: 'test' })}.${part(claims)}.c2lnbmF0dXJl`;
}

/** The `tokens` of a sign-in or refresh answer for user `sub`; `label` tells them apart. */
export function tokens(sub: string, label: string, refresh: string | null = `refresh-${label}`) {
  return {
    access_token: jwt({ sub, username: sub, token_use: 'access', label }),
    id_token: jwt({ sub, 'cognito:username': sub, token_use: 'id', label }),
    ...(refresh === null ? {} : { refresh_token: refresh }),
    expires_in: 3600,
    token_type: 'Bearer',
  };
}

/** A sign-in's answer with tokens. */
export function signedInAnswer(sub: string, label: string, refresh: string | null = `refresh-${label}`): Response {
  return json(200, { status: 'authenticated', next_step: 'DONE', tokens: tokens(sub, label, refresh) });
}

/** A promise with its ends in hand. */
export class Deferred<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}
