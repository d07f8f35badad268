// A client for cognito-bff with Amplify Auth's function names and results. `configure` once,
// then import the functions as from 'aws-amplify/auth'; or make clients of your own with
// `createAuthClient` (one per service, or per mode).
import { AuthClient, type AuthConfig } from './client.js';
import { AuthError } from './errors.js';
import type {
  AuthHubCallback,
  ConfirmResetPasswordInput,
  ConfirmSignInInput,
  ConfirmSignUpInput,
  DeleteWebAuthnCredentialInput,
  EndSessionInput,
  FetchAuthSessionOptions,
  ListWebAuthnCredentialsInput,
  ResendSignUpCodeInput,
  ResetPasswordInput,
  SignInInput,
  SignOutInput,
  SignUpInput,
  UpdateMFAPreferenceInput,
  UpdatePasswordInput,
  UpdateUserAttributesInput,
  VerifyTOTPSetupInput,
} from './types.js';

export { AuthClient, detectMode, type AuthConfig, type AuthMode } from './client.js';
export { AuthError, isAuthError, type AuthErrorCode, type Problem } from './errors.js';
export { MemoryStorage, type TokenStorage } from './storage.js';
export type * from './types.js';
export type { components, paths } from './generated/openapi.js';

export function createAuthClient(config: AuthConfig = {}): AuthClient {
  return new AuthClient(config);
}

let shared: AuthClient | undefined;
/** Hub's listeners: they belong to the package, not to one client, and outlive `configure`. */
const listeners = new Set<AuthHubCallback>();
/** Stops the current shared client's events from reaching Hub. */
let detach: (() => void) | undefined;

/** Sets up the client the functions below use, as `Amplify.configure` does. */
export function configure(config: AuthConfig = {}): AuthClient {
  const next = new AuthClient(config);
  detach?.();
  shared = next;
  // The replaced client, if the app still holds it, no longer speaks for Hub.
  detach = next.listen((capsule) => {
    for (const listener of [...listeners]) {
      try {
        listener(capsule);
      } catch {
        // One listener's failure must not keep the others from hearing.
      }
    }
  });
  return next;
}

function client(): AuthClient {
  shared ??= configure();
  return shared;
}

/**
 * Amplify's `Hub`, for the auth channel only. A listener hears the client `configure` set up,
 * whichever that is when the event happens; it may listen before `configure` is called.
 */
export const Hub = {
  listen(channel: 'auth', callback: AuthHubCallback): () => void {
    if (channel !== 'auth') {
      throw new AuthError({ code: 'not_supported', message: 'only the auth channel is heard here' });
    }
    // A callback added twice is heard once, as in a Set; each stop removes it.
    listeners.add(callback);
    return () => {
      listeners.delete(callback);
    };
  },
};

export const signIn = (input: SignInInput) => client().signIn(input);
export const confirmSignIn = (input: ConfirmSignInInput) => client().confirmSignIn(input);
export const signUp = (input: SignUpInput) => client().signUp(input);
export const confirmSignUp = (input: ConfirmSignUpInput) => client().confirmSignUp(input);
export const autoSignIn = () => client().autoSignIn();
export const resendSignUpCode = (input: ResendSignUpCodeInput) => client().resendSignUpCode(input);
export const resetPassword = (input: ResetPasswordInput) => client().resetPassword(input);
export const confirmResetPassword = (input: ConfirmResetPasswordInput) => client().confirmResetPassword(input);
export const updatePassword = (input: UpdatePasswordInput) => client().updatePassword(input);
export const fetchUserAttributes = () => client().fetchUserAttributes();
export const updateUserAttributes = (input: UpdateUserAttributesInput) => client().updateUserAttributes(input);
export const fetchMFAPreference = () => client().fetchMFAPreference();
export const setUpTOTP = () => client().setUpTOTP();
export const verifyTOTPSetup = (input: VerifyTOTPSetupInput) => client().verifyTOTPSetup(input);
export const updateMFAPreference = (input: UpdateMFAPreferenceInput) => client().updateMFAPreference(input);
export const associateWebAuthnCredential = () => client().associateWebAuthnCredential();
export const listWebAuthnCredentials = (input?: ListWebAuthnCredentialsInput) => client().listWebAuthnCredentials(input);
export const deleteWebAuthnCredential = (input: DeleteWebAuthnCredentialInput) => client().deleteWebAuthnCredential(input);
export const getCurrentUser = () => client().getCurrentUser();
export const fetchAuthSession = (options?: FetchAuthSessionOptions) => client().fetchAuthSession(options);
export const signOut = (input?: SignOutInput) => client().signOut(input);
export const listSessions = () => client().listSessions();
export const endSession = (input: EndSessionInput) => client().endSession(input);
export const endOtherSessions = () => client().endOtherSessions();
export const api = (name: string) => client().api(name);
