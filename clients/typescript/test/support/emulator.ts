// The local Cognito emulator, asked directly: the codes it "sent", and the pool's settings.
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
 * Device tracking on the pool (remembered when the user asks, and a remembered device skips
 * MFA), or off again. UpdateUserPool sets what it is given and drops the rest, so the pool's
 * own settings are sent back with it.
 */
export async function trackDevices(on: boolean): Promise<void> {
  const described = (await cognito('DescribeUserPool', { UserPoolId: userPoolId })) as {
    UserPool: { AutoVerifiedAttributes?: string[]; Policies?: unknown };
  };
  const { AutoVerifiedAttributes, Policies } = described.UserPool;
  await cognito('UpdateUserPool', {
    UserPoolId: userPoolId,
    AutoVerifiedAttributes,
    Policies,
    ...(on ? { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true } } : {}),
  });
}
