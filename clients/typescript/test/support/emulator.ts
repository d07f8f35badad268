// The local Cognito emulator, asked directly: the codes it "sent", and the pool's settings.
import assert from 'node:assert/strict';

import { emulator, userPoolId } from './env.js';

interface SentCode {
  username: string;
  purpose: string;
  code: string;
  deliveryMedium: string;
  address: string;
  sentAt: number;
}

/** The newest code of `purpose` (EMAIL_OTP, SMS_OTP or EMAIL_MFA) sent to `username`. */
export async function sentCode(username: string, purpose: string): Promise<SentCode> {
  const url = new URL('/emulator/codes', emulator);
  url.searchParams.set('username', username);
  url.searchParams.set('purpose', purpose);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the emulator's codes answered ${response.status}`);
  const codes = (await response.json()) as SentCode[];
  const newest = codes.at(-1);
  if (newest === undefined) throw new Error(`no ${purpose} code was sent to ${username}`);
  return newest;
}

/** Calls one of Cognito's operations on the emulator (the JSON protocol; it takes any signature). */
export async function cognito(operation: string, body: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(emulator, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${operation} answered ${response.status}: ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

/**
 * The pool's MFA setting: OPTIONAL (as scripts/bootstrap_local.py makes it) or ON, with an
 * authenticator app and mailed codes, or (`totpOnly`) an authenticator app alone.
 */
export async function setPoolMfa(configuration: 'OPTIONAL' | 'ON', totpOnly = false): Promise<void> {
  await cognito('SetUserPoolMfaConfig', {
    UserPoolId: userPoolId,
    SoftwareTokenMfaConfiguration: { Enabled: true },
    ...(totpOnly ? {} : { EmailMfaConfiguration: { Message: 'Your code is {####}', Subject: 'Your code' } }),
    MfaConfiguration: configuration,
    WebAuthnConfiguration: { RelyingPartyId: 'localhost' },
  });
}

/**
 * Runs `work` with device tracking on the pool (remembered when the user asks, and a remembered
 * device skips MFA), then puts the pool's settings back as they were. The emulator's
 * UpdateUserPool sets what it is given and resets the rest, so the settings read first are
 * sent with the change and again after it; a failed restore is reported after `work`'s own
 * failure, never in place of it.
 */
export async function withDeviceTracking(work: () => Promise<void>): Promise<void> {
  const read = async () =>
    ((await cognito('DescribeUserPool', { UserPoolId: userPoolId })) as { UserPool: Record<string, unknown> }).UserPool;
  const before = await read();
  const kept = Object.fromEntries(
    ['AutoVerifiedAttributes', 'Policies', 'DeviceConfiguration'].flatMap((name) =>
      before[name] === undefined ? [] : [[name, before[name]]],
    ),
  );
  const update = (settings: Record<string, unknown>) => cognito('UpdateUserPool', { UserPoolId: userPoolId, ...settings });
  let failure: unknown;
  try {
    await update({
      ...kept,
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
    });
    await work();
  } catch (error) {
    failure = error;
  }
  try {
    await update(kept);
    const after = await read();
    for (const name of ['AutoVerifiedAttributes', 'Policies', 'DeviceConfiguration']) {
      assert.deepEqual(after[name], before[name], `the pool's ${name} was not put back`);
    }
  } catch (error) {
    if (failure === undefined) throw error;
    throw new AggregateError([failure, error], 'the test failed, and the pool was not put back');
  }
  if (failure !== undefined) throw failure;
}
