// What a browser adds to the client's fetch: a cookie jar, and the headers a page's script
// can neither set nor remove (`Origin` on every request but GET and HEAD, `Sec-Fetch-Site`
// on every one, unless `fetchMetadata: false`), by which the service knows a browser. Path, Domain and HttpOnly are left
// out: every cookie here is the service's, at Path=/.
// It also keeps what the page's script could read of each answer (the body, and the
// headers other than Set-Cookie) so a test can show that no token ever reached it.

export interface Cookie {
  value: string;
  attributes: string[];
}

export interface BrowserOptions {
  /**
   * false: the requests carry neither `Origin` nor `Sec-Fetch-Site`, as from a browser too
   * old to send them or behind a proxy that strips both. The service can't tell it from an app.
   */
  fetchMetadata?: boolean;
  /** Another browser's cookie jar, shared: the same cookies, used by a page of another origin. */
  cookies?: Map<string, Cookie>;
}

export class Browser {
  readonly cookies: Map<string, Cookie>;
  /** Every answer body and readable header the page saw. */
  readonly seen: string[] = [];
  readonly #origin: string;
  readonly #fetchMetadata: boolean;

  /** A page of `origin` (the service's own, or another). */
  constructor(origin: string, options: BrowserOptions = {}) {
    this.#origin = new URL(origin).origin;
    this.#fetchMetadata = options.fetchMetadata ?? true;
    this.cookies = options.cookies ?? new Map<string, Cookie>();
  }

  readonly fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const headers = new Headers(init.headers);
    const method = (init.method ?? 'GET').toUpperCase();
    const url = input instanceof Request ? input.url : input.toString();
    const site = fetchSite(this.#origin, url);
    if (this.#fetchMetadata) {
      headers.set('sec-fetch-site', site);
      if (method !== 'GET' && method !== 'HEAD') headers.set('origin', this.#origin);
    }
    // `same-origin` (fetch's default) keeps the cookies from another origin; `include` sends them.
    const credentials = init.credentials ?? 'same-origin';
    const withCookies = credentials === 'include' || (credentials === 'same-origin' && site === 'same-origin');
    if (withCookies && this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([name, cookie]) => `${name}=${cookie.value}`).join('; '));
    }
    const response = await fetch(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals);
      const value = pair.slice(equals + 1);
      const maxAge = attributes.find((a) => a.toLowerCase().startsWith('max-age='));
      if (value === '' || (maxAge !== undefined && Number(maxAge.slice(8)) <= 0)) {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, { value, attributes });
      }
    }
    for (const [name, value] of response.headers) {
      if (name !== 'set-cookie') this.seen.push(`${name}: ${value}`);
    }
    this.seen.push(await response.clone().text());
    return response;
  };

  cookie(name: string): Cookie | undefined {
    return this.cookies.get(name);
  }
}

/**
 * `Sec-Fetch-Site` for a request from a page of `origin` to `url`. Hosts count as one site when
 * their names match (the tests use addresses, which have no registrable domain to compare).
 */
function fetchSite(origin: string, url: string): string {
  const from = new URL(origin);
  const to = new URL(url);
  if (from.origin === to.origin) return 'same-origin';
  return from.protocol === to.protocol && from.hostname === to.hostname ? 'same-site' : 'cross-site';
}

/**
 * A JSON Web Token anywhere in `text`: signed (JWS, three parts: header, JSON payload,
 * signature) or encrypted (JWE, five parts: header, encrypted key, which may be empty, IV,
 * ciphertext, tag), as Cognito's refresh tokens are. Tokens of another form (the emulator's
 * refresh tokens are UUIDs) are found only by their text: see `assertNoTokenSeen`.
 */
export const JWT_PATTERN =
  /eyJ[A-Za-z0-9_-]+\.(?:eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+|[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;
