// Clients of the service in either mode, and the users the tests sign in as.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import {
  createAuthClient,
  type AuthClient,
  type AuthCodeDeliveryDetails,
  type AuthConfig,
  type AuthHubEvent,
  type AuthMode,
} from '../../src/index.js';
import { Browser, JWT_PATTERN } from './browser.js';
import { cognito } from './emulator.js';
import { service, upstream, userPoolId } from './env.js';
import { totpCode } from './totp.js';

export const MODES: readonly AuthMode[] = ['browser', 'native'];

export const PASSWORD = 'Corr3ct-Horse-1';

/** Every browser a test file made, for its final check that no page ever saw a token. */
export const browsers: Browser[] = [];

export interface TestClient {
  auth: AuthClient;
  /** Browser mode: the browser around the client. */
  browser: Browser | undefined;
  /** The events the client emitted, in order. */
  events: AuthHubEvent[];
}

/** Settings a test may add: the passkey ceremonies' stand-ins. */
export type Extra = Pick<AuthConfig, 'createPasskeyCredential' | 'getPasskeyCredential'>;

/** A client as a page on the service's origin, or an app, would make it. */
export function client(mode: AuthMode, extra: Extra = {}): TestClient {
  if (mode === 'browser') return browserClient(new Browser(service), undefined, extra);
  const events: AuthHubEvent[] = [];
  const auth = createAuthClient({ mode, endpoint: service, apis: { echo: upstream }, ...extra });
  auth.listen(({ payload }) => events.push(payload.event));
  return { auth, browser: undefined, events };
}

/**
 * A browser-mode client in `browser`, which joins the ones `assertNoTokenSeen` looks at. A page
 * of another origin than the service's needs `credentials: 'include'` for its cookies to go.
 */
export function browserClient(browser: Browser, credentials?: RequestCredentials, extra: Extra = {}): TestClient {
  browsers.push(browser);
  const events: AuthHubEvent[] = [];
  const auth = createAuthClient({
    mode: 'browser',
    endpoint: service,
    fetch: browser.fetch,
    ...(credentials === undefined ? {} : { credentials }),
    ...extra,
  });
  auth.listen(({ payload }) => events.push(payload.event));
  return { auth, browser, events };
}

/** Every bearer token the upstream API has had, browser sessions' included (asked directly). */
export async function receivedTokens(): Promise<string[]> {
  const response = await fetch(new URL('/received-tokens', upstream));
  if (!response.ok) throw new Error(`the upstream's tokens answered ${response.status}`);
  return (await response.json()) as string[];
}

/** A new username, unique across runs. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** A confirmed user with a verified email address, made on the emulator directly. */
export async function confirmedUser(prefix: string, password = PASSWORD): Promise<string> {
  const username = uniqueName(prefix);
  await cognito('AdminCreateUser', {
    UserPoolId: userPoolId,
    Username: username,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: `${username}@example.com` },
      { Name: 'email_verified', Value: 'true' },
    ],
  });
  await cognito('AdminSetUserPassword', {
    UserPoolId: userPoolId,
    Username: username,
    Password: password,
    Permanent: true,
  });
  return username;
}

/** An invited user, who must choose a password at the first sign-in. */
export async function invitedUser(prefix: string, temporaryPassword: string): Promise<string> {
  const username = uniqueName(prefix);
  await cognito('AdminCreateUser', {
    UserPoolId: userPoolId,
    Username: username,
    MessageAction: 'SUPPRESS',
    TemporaryPassword: temporaryPassword,
    UserAttributes: [
      { Name: 'email', Value: `${username}@example.com` },
      { Name: 'email_verified', Value: 'true' },
    ],
  });
  return username;
}

/** A confirmed user with an authenticator app set up through the client; returns its secret. */
export async function userWithTotp(prefix: string): Promise<{ username: string; secret: string }> {
  const username = await confirmedUser(prefix);
  const { auth } = client('native');
  await auth.signIn({ username, password: PASSWORD });
  const { sharedSecret } = await auth.setUpTOTP();
  await auth.verifyTOTPSetup({ code: await totpCode(sharedSecret) });
  await auth.signOut();
  return { username, secret: sharedSecret };
}

/** A confirmed user whose second factor is a mailed code. */
export async function userWithEmailMfa(prefix: string): Promise<string> {
  const username = await confirmedUser(prefix);
  const { auth } = client('native');
  await auth.signIn({ username, password: PASSWORD });
  await auth.updateMFAPreference({ email: 'PREFERRED' });
  await auth.signOut();
  return username;
}

/** Signs `auth` in as `username` with the password, and checks that nothing else was asked. */
export async function signedIn(auth: AuthClient, username: string, password = PASSWORD): Promise<void> {
  const result = await auth.signIn({ username, password });
  if (!result.isSignedIn) throw new Error(`signing in asked for ${result.nextStep.signInStep}`);
}

/**
 * No browser made in this file ever saw a token: not in a body, not in a readable header.
 * Tokens are found by their form (JWT_PATTERN) and, for those the upstream API received (the
 * access tokens of the browser sessions that called it), by their very text.
 */
export async function assertNoTokenSeen(): Promise<void> {
  if (browsers.length === 0) throw new Error('no browser was used');
  const known = await receivedTokens();
  let answers = 0;
  for (const browser of browsers) {
    answers += browser.seen.length;
    const leaked = browser.seen.find((text) => JWT_PATTERN.test(text) || known.some((token) => text.includes(token)));
    if (leaked !== undefined) throw new Error('a page saw a token');
    // A pending challenge's id is a bearer credential too; browsers get it only in a cookie.
    if (browser.seen.some((text) => text.startsWith('challenge-handle:'))) {
      throw new Error('a page saw a Challenge-Handle');
    }
  }
  if (answers === 0) throw new Error('no page saw any answer');
}

/**
 * Where a code went, masked as Cognito masks it. (The emulator's own SignUp and
 * ForgotPassword make up a plausible delivery, sometimes a phone number.)
 */
export function assertMaskedDelivery(details: AuthCodeDeliveryDetails): void {
  assert.ok(details.deliveryMedium === 'EMAIL' || details.deliveryMedium === 'SMS', `medium ${details.deliveryMedium}`);
  assert.match(details.destination ?? '', /^(.\*\*\*@.\*\*\*|\+\*+\d{4})$/);
  assert.deepEqual(Object.keys(details).sort(), ['deliveryMedium', 'destination']);
}
