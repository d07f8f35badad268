// The stand-in for a Cognito user pool's domain in the tests: a real OpenID Connect server
// (oidc-provider) on Cognito's paths, issuing tokens with Cognito's claims, with a
// development login page instead of managed login and the federated providers.
//
// Settings (environment): PEER_PORT (0: any free port), PEER_CLIENT_ID, PEER_CLIENT_SECRET,
// PEER_REDIRECT_URIS and PEER_LOGOUT_URIS (comma-separated). Prints its base URL, which is
// also its issuer, as the one line on stdout once it listens; exits when stdin closes.
// docs/testing.md ("The OpenID Connect peer") records what it does as Cognito does and
// where it differs.

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import { Provider, errors } from 'oidc-provider';

// Stdout carries the ready line and nothing else: oidc-provider's notices go to stderr.
console.log = console.error;
console.info = console.error;

const DEBUG = Boolean(process.env.PEER_DEBUG);

function setting(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    if (fallback === undefined) {
      console.error(`oidc-peer: ${name} is required`);
      process.exit(2);
    }
    return fallback;
  }
  return value;
}

const list = (value) => value.split(',').map((s) => s.trim()).filter(Boolean);

const PORT = Number(setting('PEER_PORT', '0'));
const CLIENT_ID = setting('PEER_CLIENT_ID');
const CLIENT_SECRET = setting('PEER_CLIENT_SECRET');
const REDIRECT_URIS = list(setting('PEER_REDIRECT_URIS'));
const LOGOUT_URIS = list(setting('PEER_LOGOUT_URIS', ''));

// Cognito's scopes: the OpenID ones, and the one that lets an access token call the user
// pool's own API for its user.
const SCOPES = ['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin'];
// Cognito's lifetimes by default: an hour for access and ID tokens, 30 days for refresh
// tokens, 5 minutes for an authorization code.
const TOKEN_TTL = 3600;

// A new RSA key. Made through PEM on purpose: on Node.js 20, a key object straight from
// generateKeyPairSync can deadlock the process when a garbage collection finalises its
// generation job while the key is being exported or used (seen in these tests); a key read
// back from PEM shares nothing with that job.
function rsaKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return crypto.createPrivateKey(privateKey);
}

// Two signing keys as a pool publishes them: one signs ID tokens, the other access tokens.
function signingKey(kid) {
  const privateKey = rsaKey();
  return {
    kid,
    privateKey,
    jwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
  };
}
const ID_KEY = signingKey(`id-${crypto.randomUUID()}`);
const ACCESS_KEY = signingKey(`access-${crypto.randomUUID()}`);

// What the tests can read back: requests as they reached the peer (never a token or secret).
const record = { authorizations: [], tokenRequests: [], logouts: [], signIns: [] };
// A change a test asked for in the next token response (see /peer/tamper).
let tamper = null;

// Users are made by signing in: the login page's username is the user at the provider (or
// in the pool, without an identity provider). Keyed by `sub`.
const users = new Map();

const SOCIAL = {
  Google: 'Google',
  Facebook: 'Facebook',
  LoginWithAmazon: 'LoginWithAmazon',
  SignInWithApple: 'SignInWithApple',
};

// A UUID-shaped id derived from `input`, so a user's `sub` is the same at every sign-in.
function stableUuid(...input) {
  const hex = crypto.createHash('sha256').update(input.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function userFor(providerUsername, identityProvider, email, groups) {
  const federated = identityProvider && identityProvider !== 'COGNITO';
  // Cognito names a federated user after the provider and the user's id there.
  const username = federated ? `${identityProvider}_${providerUsername}` : providerUsername;
  const sub = stableUuid('user', username);
  const existing = users.get(sub);
  const user = {
    sub,
    username,
    email: email || (providerUsername.includes('@') ? providerUsername : `${providerUsername}@example.com`),
    groups,
    identities: federated
      ? [{
        userId: providerUsername,
        providerName: identityProvider,
        providerType: SOCIAL[identityProvider] ?? 'OIDC',
        issuer: null,
        primary: 'true',
        dateCreated: existing?.identities?.[0]?.dateCreated ?? String(Date.now()),
      }]
      : undefined,
  };
  users.set(sub, user);
  return user;
}

// The claims both tokens share, derived from the grant (one per sign-in, kept by refreshes):
// Cognito's `origin_jti` names the sign-in a token descends from.
function sessionClaims(grantId) {
  return {
    origin_jti: stableUuid('origin', grantId),
    event_id: stableUuid('event', grantId),
  };
}

function idClaims(user, grantId) {
  return {
    sub: user.sub,
    token_use: 'id',
    'cognito:username': user.username,
    ...(user.groups.length ? { 'cognito:groups': user.groups } : {}),
    email: user.email,
    // Cognito maps no verification from a provider unless the pool says so.
    email_verified: !user.identities,
    ...(user.identities ? { identities: user.identities } : {}),
    ...(grantId ? sessionClaims(grantId) : {}),
    jti: crypto.randomUUID(),
  };
}

const RESOURCE = 'urn:cognito-bff:oidc-peer:user-pool';

function makeProvider(issuer) {
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: REDIRECT_URIS,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
      require_auth_time: true,
    }],
    jwks: { keys: [ID_KEY.jwk, ACCESS_KEY.jwk] },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    routes: {
      authorization: '/oauth2/authorize',
      token: '/oauth2/token',
      userinfo: '/oauth2/userInfo',
      jwks: '/.well-known/jwks.json',
      revocation: '/oauth2/revoke',
      // Cognito's logout has its own shape, served below; this one is off.
      end_session: '/oidc/end-session',
    },
    scopes: SCOPES,
    // Cognito's app clients authenticate with the secret in HTTP Basic or in the body.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    claims: {
      openid: ['sub', 'token_use', 'cognito:username', 'cognito:groups', 'identities',
        'origin_jti', 'event_id', 'jti'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      phone: ['phone_number', 'phone_number_verified'],
      auth_time: null,
    },
    // Cognito's ID token carries the user's attributes whatever the response type.
    conformIdTokenClaims: false,
    extraParams: ['identity_provider', 'idp_identifier', 'lang'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    // Cognito's token endpoint wants `redirect_uri` with every code.
    allowOmittingSingleRegisteredRedirectUri: false,
    // A confidential client calls from its server: no browser origin is allowed.
    clientBasedCORS: () => false,
    // Cognito issues a refresh token with every code and doesn't rotate it by default;
    // its tokens outlive the managed-login session.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: false,
    expiresWithSession: async () => false,
    ttl: {
      AccessToken: TOKEN_TTL,
      IdToken: TOKEN_TTL,
      RefreshToken: 30 * 24 * 3600,
      AuthorizationCode: 300,
      Interaction: 3600,
      Session: 3600,
      Grant: 30 * 24 * 3600,
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // Access tokens are JWTs for the pool, whatever `resource` the client names or not.
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== RESOURCE) throw new errors.InvalidTarget();
          return {
            scope: SCOPES.join(' '),
            accessTokenFormat: 'jwt',
            accessTokenTTL: TOKEN_TTL,
            jwt: { sign: { alg: 'RS256', kid: ACCESS_KEY.kid } },
          };
        },
      },
    },
    async findAccount(ctx, sub) {
      const user = users.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        async claims() {
          const grantId = ctx.oidc?.entities?.AccessToken?.grantId;
          return idClaims(user, grantId);
        },
      };
    },
    // Cognito's access-token claims beside the JWT profile's own.
    async extraTokenClaims(ctx, token) {
      const user = users.get(token.accountId);
      if (!user) return undefined;
      const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
      return {
        token_use: 'access',
        username: user.username,
        ...(user.groups.length ? { 'cognito:groups': user.groups } : {}),
        auth_time: source?.authTime,
        version: 2,
        ...sessionClaims(token.grantId),
      };
    },
    formats: {
      customizers: {
        // Cognito's access token has no `aud` (it names the client in `client_id`) and a
        // header of `kid` and `alg` only. oidc-provider refuses a JWT access token without
        // an audience, so the audience stays on the payload but out of its JSON.
        async jwt(_ctx, _token, jwt) {
          Object.defineProperty(jwt.payload, 'aud', {
            value: jwt.payload.aud,
            enumerable: false,
            writable: true,
            configurable: true,
          });
          jwt.header = { typ: undefined };
        },
      },
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Error', `<h1>Error</h1>
<p id="error">${escape(out.error)}</p>
<p id="error-description">${escape(out.error_description ?? '')}</p>`);
    },
  });
  provider.on('server_error', (_ctx, err) => console.error('oidc-peer server error:', err));
  return provider;
}

function escape(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>${body}</body></html>`;
}

// The development login page: any username, no password; a Cancel button answers the
// client with `error=access_denied`, as a provider whose user declined.
function loginPage(uid, identityProvider) {
  const asked = identityProvider
    ? `Signing in with <strong id="identity-provider">${escape(identityProvider)}</strong>`
    : 'Signing in to the user pool (managed login, no identity provider asked for)';
  return page('Sign in', `<h1>Sign in</h1>
<p>${asked}</p>
<form id="login" method="post" action="/interaction/${escape(uid)}/login">
<label for="username">Username</label> <input id="username" name="username" autocomplete="off" required autofocus>
<label for="email">Email (optional)</label> <input id="email" name="email" type="email" autocomplete="off">
<label for="groups">Groups (optional, comma-separated)</label> <input id="groups" name="groups" autocomplete="off">
<button id="sign-in" type="submit">Sign in</button>
<button id="cancel" type="submit" formaction="/interaction/${escape(uid)}/abort" formnovalidate>Cancel</button>
</form>`);
}

const MAX_BODY = 16 * 1024;

async function readBody(ctx) {
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > MAX_BODY) ctx.throw(413, 'body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// An authorization that a test asked for, or the consent this peer grants by itself.
async function grantConsent(provider, details) {
  const { prompt: { details: missing }, params, session: { accountId } } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return details.grantId ? {} : { consent: { grantId } };
}

function interactions(provider) {
  return async (ctx, next) => {
    const match = ctx.path.match(/^\/interaction\/([\w-]+)(?:\/(login|abort))?$/);
    if (!match) return next();
    const [, uid, action] = match;
    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (err) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page('Error', `<h1>Error</h1><p id="error">${escape(err.message)}</p>`);
      return undefined;
    }
    if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
    const finish = async (result, merge = true) => {
      const to = await provider.interactionResult(ctx.req, ctx.res, result, {
        mergeWithLastSubmission: merge,
      });
      ctx.status = 303;
      ctx.redirect(to);
    };

    if (ctx.method === 'GET' && !action) {
      if (details.prompt.name === 'login') {
        ctx.type = 'html';
        ctx.body = loginPage(uid, details.params.identity_provider);
        return undefined;
      }
      // Consent is the pool's, not the user's: granted without a page.
      return finish(await grantConsent(provider, details));
    }
    if (ctx.method === 'POST' && action === 'abort') {
      record.signIns.push({ outcome: 'cancelled', identity_provider: details.params.identity_provider ?? null });
      return finish({
        error: 'access_denied',
        error_description: 'The user cancelled the sign-in.',
      }, false);
    }
    if (ctx.method === 'POST' && action === 'login') {
      if (details.prompt.name !== 'login') ctx.throw(400, 'no login asked for');
      const form = new URLSearchParams(await readBody(ctx));
      const username = (form.get('username') ?? '').trim();
      if (!username) ctx.throw(400, 'a username is required');
      const groups = list(form.get('groups') ?? '');
      const identityProvider = details.params.identity_provider;
      const user = userFor(username, identityProvider, (form.get('email') ?? '').trim(), groups);
      record.signIns.push({
        outcome: 'signed_in',
        identity_provider: identityProvider ?? null,
        username: user.username,
        sub: user.sub,
      });
      return finish({ login: { accountId: user.sub } }, false);
    }
    ctx.throw(405);
    return undefined;
  };
}

// Cognito's logout: `GET /logout?client_id=…&logout_uri=…` ends the managed-login session
// and sends the browser to `logout_uri`, which must be one of the client's sign-out URLs.
function logout(provider) {
  return async (ctx, next) => {
    if (ctx.path !== '/logout') return next();
    if (ctx.method !== 'GET') ctx.throw(405);
    const clientId = ctx.query.client_id;
    const logoutUri = ctx.query.logout_uri;
    const entry = { client_id: clientId ?? null, logout_uri: logoutUri ?? null };
    record.logouts.push(entry);
    if (clientId !== CLIENT_ID || !logoutUri || !LOGOUT_URIS.includes(logoutUri)) {
      entry.outcome = 'refused';
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page('Error', '<h1>Error</h1><p id="error">redirect_mismatch</p>');
      return undefined;
    }
    const session = await provider.Session.get(ctx);
    entry.signed_out = Boolean(session.accountId);
    if (session.accountId) await session.destroy();
    ctx.cookies.set(provider.cookieName('session'), null);
    ctx.cookies.set(`${provider.cookieName('session')}.sig`, null);
    entry.outcome = 'redirected';
    ctx.redirect(logoutUri);
    return undefined;
  };
}

// Cognito's userInfo answers for its own access tokens, which are JWTs here; oidc-provider
// serves userinfo only for tokens without an audience, so the peer answers it itself, from
// the token's signature, expiry and scope.
function userInfo(issuer) {
  return async (ctx, next) => {
    if (ctx.path !== '/oauth2/userInfo') return next();
    if (ctx.method !== 'GET' && ctx.method !== 'POST') ctx.throw(405);
    const auth = ctx.get('authorization');
    const value = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const claims = verifyJwt(value, ACCESS_KEY) ? jwtClaims(value) : undefined;
    const scopes = new Set((claims?.scope ?? '').split(' '));
    const user = claims && users.get(claims.sub);
    const valid = user && claims.iss === issuer && claims.token_use === 'access'
      && claims.exp > Date.now() / 1000 && scopes.has('openid');
    if (!valid) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      ctx.body = { error: 'invalid_token', error_description: 'Access token is not valid' };
      return undefined;
    }
    ctx.body = {
      sub: user.sub,
      username: user.username,
      ...(scopes.has('email') ? { email: user.email, email_verified: String(!user.identities) } : {}),
      // Cognito's userInfo gives `identities` as a JSON string.
      ...(user.identities ? { identities: JSON.stringify(user.identities) } : {}),
    };
    return undefined;
  };
}

function jwtClaims(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function verifyJwt(token, key) {
  const [header, payload, signature, extra] = token.split('.');
  if (!signature || extra !== undefined) return false;
  return crypto.verify('sha256', Buffer.from(`${header}.${payload}`), key.privateKey, Buffer.from(signature, 'base64url'));
}

function signJwt(header, claims, privateKey) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

// Applies a change asked for with POST /peer/tamper to one token: claims set (or removed,
// with null), then signed again by the same key or, with `foreign_key`, by a key the JWKS
// doesn't hold (under the same `kid`).
function tampered(token, change) {
  const [header, payload] = token.split('.').slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  for (const [claim, value] of Object.entries(change.claims ?? {})) {
    if (value === null) delete payload[claim];
    else payload[claim] = value;
  }
  const key = change.foreign_key
    ? rsaKey()
    : [ID_KEY, ACCESS_KEY].find((k) => k.kid === header.kid).privateKey;
  return signJwt(header, payload, key);
}

function tokenEndpoint() {
  return async (ctx, next) => {
    if (ctx.path !== '/oauth2/token' || ctx.method !== 'POST') return next();
    const auth = ctx.get('authorization');
    const entry = {
      grant_type: null,
      client_auth: auth.startsWith('Basic ') ? 'basic' : 'none',
    };
    record.tokenRequests.push(entry);
    await next();
    entry.grant_type = ctx.oidc?.params?.grant_type ?? null;
    if (entry.client_auth === 'none' && ctx.oidc?.params?.client_secret) entry.client_auth = 'body';
    entry.status = ctx.status;
    entry.error = ctx.status >= 400 ? ctx.body?.error ?? null : null;
    // Cognito answers a refresh with new ID and access tokens only: the client keeps its
    // refresh token (oidc-provider would repeat it).
    if (ctx.status === 200 && entry.grant_type === 'refresh_token') {
      const { refresh_token: _kept, ...body } = ctx.body;
      ctx.body = body;
    }
    if (ctx.status === 200 && tamper) {
      const change = tamper;
      tamper = null;
      const body = { ...ctx.body };
      if (change.id_token && body.id_token) body.id_token = tampered(body.id_token, change.id_token);
      if (change.access_token && body.access_token) {
        body.access_token = tampered(body.access_token, change.access_token);
      }
      ctx.body = body;
    }
    return undefined;
  };
}

// Test-only endpoints, beside Cognito's paths: what reached the peer, and a change to make
// in the next token response.
function peerApi() {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/peer/')) return next();
    const reads = {
      '/peer/authorizations': record.authorizations,
      '/peer/token-requests': record.tokenRequests,
      '/peer/logouts': record.logouts,
      '/peer/sign-ins': record.signIns,
    };
    if (ctx.method === 'GET' && reads[ctx.path]) {
      ctx.body = reads[ctx.path];
      return undefined;
    }
    if (ctx.method === 'POST' && ctx.path === '/peer/tamper') {
      try {
        tamper = JSON.parse(await readBody(ctx));
      } catch {
        ctx.throw(400, 'a JSON body is required');
      }
      ctx.status = 204;
      return undefined;
    }
    ctx.throw(404);
    return undefined;
  };
}

// Records what each authorization request asked for, before oidc-provider checks it.
function authorizations() {
  return async (ctx, next) => {
    if (ctx.path === '/oauth2/authorize' && ctx.method === 'GET') {
      record.authorizations.push({ ...ctx.query });
    }
    return next();
  };
}

const server = http.createServer();
server.listen(PORT, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = makeProvider(issuer);
  if (DEBUG) {
    provider.use(async (ctx, next) => {
      await next();
      console.error(`oidc-peer: ${ctx.method} ${ctx.path} -> ${ctx.status}`);
    });
  }
  provider.use(peerApi());
  provider.use(authorizations());
  provider.use(tokenEndpoint());
  provider.use(userInfo(issuer));
  provider.use(logout(provider));
  provider.use(interactions(provider));
  server.on('request', provider.callback());
  process.stdout.write(`${issuer}\n`);
});

// Like the moto server the tests start: the peer lives as long as its parent holds stdin.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
