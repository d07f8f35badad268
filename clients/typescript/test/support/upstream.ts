// The upstream API the tests call through `api('echo')`: it answers with what reached it, so
// a test sees whether the token came (and whose it was) and what stayed behind. A path that
// ends in /unauthorized answers 401, as an API that refuses the token would. Run by
// test/run.sh: `node upstream.js`, which prints the port it listens on.
//
// It also keeps every bearer token that reached it: `GET /received-tokens`, asked by a test
// directly, lists them, so a test knows the very tokens of a browser session (the service
// sends them here) and can look for their text in what a page saw. Asked through the
// service's token handler (with `X-Auth-Sub`) it answers 404, so no page can read them.
import { createServer } from 'node:http';

export interface Echo {
  method: string;
  path: string;
  /** The bearer token's `sub`, read (not verified) from its payload. */
  bearerSub: string | null;
  /** What the service says about the caller (`X-Auth-Sub`), when it was the one calling. */
  xAuthSub: string | null;
  cookie: boolean;
  csrf: boolean;
  body: string;
}

function bearerSub(authorization: string | undefined): string | null {
  const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (payload === undefined) return null;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub?: string };
  return claims.sub ?? null;
}

/** Every bearer token that reached this API. */
const received = new Set<string>();

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const path = request.url ?? '/';
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token !== undefined) received.add(token);
    if (path === '/received-tokens') {
      const direct = request.headers['x-auth-sub'] === undefined && token === undefined;
      response.writeHead(direct ? 200 : 404, { 'content-type': 'application/json' });
      response.end(direct ? JSON.stringify([...received]) : '{"error":"not_found"}');
      return;
    }
    if (path.endsWith('/unauthorized')) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end('{"error":"unauthorized"}');
      return;
    }
    const echo: Echo = {
      method: request.method ?? '',
      path,
      bearerSub: bearerSub(request.headers.authorization),
      xAuthSub: (request.headers['x-auth-sub'] as string | undefined) ?? null,
      cookie: request.headers.cookie !== undefined,
      csrf: request.headers['x-csrf'] !== undefined,
      body: Buffer.concat(chunks).toString(),
    };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(echo));
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') console.log(address.port);
});
