import { AuthError, type Problem } from './errors.js';
import type { components } from './generated/openapi.js';
import { decodeJwt } from './jwt.js';
import { MemoryStorage, type TokenStorage } from './storage.js';
import type {
  AuthCodeDeliveryDetails,
  AuthDeliveryMedium,
  AuthHubCallback,
  AuthHubEvent,
  AuthMFAType,
  AuthNextSignInStep,
  AuthSession,
  AuthTOTPSetupDetails,
  AuthUser,
  AuthWebAuthnCredential,
  BrowserSession,
  ConfirmResetPasswordInput,
  ConfirmSignInInput,
  ConfirmSignInOutput,
  ConfirmSignUpInput,
  ConfirmSignUpOutput,
  DeleteWebAuthnCredentialInput,
  EndSessionInput,
  FetchAuthSessionOptions,
  FetchMFAPreferenceOutput,
  FetchUserAttributesOutput,
  ListWebAuthnCredentialsInput,
  ListWebAuthnCredentialsOutput,
  MFAPreference,
  ResendSignUpCodeInput,
  ResendSignUpCodeOutput,
  ResetPasswordInput,
  ResetPasswordOutput,
  SessionInfo,
  SignInInput,
  SignInOutput,
  SignOutInput,
  SignUpInput,
  SignUpOutput,
  UpdateMFAPreferenceInput,
  UpdatePasswordInput,
  UpdateUserAttributesInput,
  UpdateUserAttributesOutput,
  UserAttributes,
  VerifyTOTPSetupInput,
} from './types.js';

type Schemas = components['schemas'];
type ChallengeName = Schemas['ChallengePending']['challenge'];

/**
 * `browser`: the service keeps the tokens and the page holds an HttpOnly session cookie; every
 * request that changes state carries `X-CSRF: 1`, and sign-ins ask for a session
 * (`X-Token-Delivery: session`). `native`: no cookie jar; the answers' tokens are kept in
 * `storage` and sent as a bearer token, and a pending challenge travels as `Challenge-Handle`.
 */
export type AuthMode = 'browser' | 'native';

export interface AuthConfig {
  /** The service's origin (and path, if it is mounted under one). Empty: the page's own origin. */
  endpoint?: string;
  /** Chosen by where the client runs unless given: a page with a `document` is a browser. */
  mode?: AuthMode;
  /**
   * Browser mode: whether the cookies go along. `same-origin` (the default) when the service
   * shares the page's origin; `include` when it is on another origin of the same site, listed
   * in the service's ALLOWED_ORIGINS.
   */
  credentials?: RequestCredentials;
  /** The fetch to use; the global one by default. */
  fetch?: typeof globalThis.fetch;
  /** Native mode: where the tokens are kept. In memory by default. */
  storage?: TokenStorage;
  /** Native mode: the base URL of each API `api(name)` calls directly with the access token. */
  apis?: Record<string, string>;
  /**
   * A passkey sign-in's assertion: given WebAuthn's request options (JSON), the credential's
   * JSON. In a browser `navigator.credentials.get` is used when this is not set.
   */
  getPasskeyCredential?: (requestOptions: Record<string, unknown>) => Promise<unknown>;
  /**
   * A passkey registration's attestation: given WebAuthn's creation options (JSON), the new
   * credential's JSON. In a browser `navigator.credentials.create` is used when this is not set.
   */
  createPasskeyCredential?: (creationOptions: Record<string, unknown>) => Promise<unknown>;
}

/** A page with a `document` is a browser; React Native and Node are not. */
export function detectMode(): AuthMode {
  const global = globalThis as { document?: unknown; navigator?: { product?: string } };
  if (global.navigator?.product === 'ReactNative') {
    return 'native';
  }
  return global.document === undefined ? 'native' : 'browser';
}

const TOKENS_KEY = 'cognito-bff.tokens';
const DEVICE_KEY = 'cognito-bff.device';
/** Tokens this close to expiry are refreshed before use, as the service does for sessions. */
const REFRESH_MARGIN_MS = 60_000;

interface StoredTokens {
  accessToken: string;
  idToken: string | null;
  refreshToken: string | null;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

interface Pending {
  challenge: ChallengeName;
  nextStep: string;
  /** Native mode: the `Challenge-Handle` that names it. */
  handle: string | undefined;
  /** The password factor picked at a first-factor selection. */
  factor?: string;
}

interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** Needs the signed-in user: the session cookie, or the bearer token. */
  user?: boolean;
  /** A bearer token to send instead of the stored one (native sign-out). */
  bearer?: string;
  /** A sign-in step: asks for a session in a browser, names the device in native mode. */
  signIn?: boolean;
  /** Native mode: the pending challenge. */
  handle?: string | undefined;
}

interface Answer<T> {
  status: number;
  data: T;
  headers: Headers;
}

type Known = 'unknown' | 'in' | 'out';

/** A client for one service. `createAuthClient` makes one; the package's functions share one. */
export class AuthClient {
  readonly mode: AuthMode;
  readonly #endpoint: string;
  readonly #credentials: RequestCredentials;
  readonly #fetch: typeof globalThis.fetch;
  readonly #storage: TokenStorage;
  readonly #apis: Record<string, string>;
  readonly #getPasskeyCredential: AuthConfig['getPasskeyCredential'];
  readonly #createPasskeyCredential: AuthConfig['createPasskeyCredential'];
  readonly #listeners = new Set<AuthHubCallback>();
  #pending: Pending | undefined;
  /** Native mode: the handle `/signup/confirm` gave for `autoSignIn`. */
  #autoSignInHandle: string | undefined;
  /** The refresh under way, and the sign-in it belongs to. */
  #refreshing: { generation: number; promise: Promise<StoredTokens> } | undefined;
  /**
   * Bumped at every sign-in and sign-out: a refresh begun before one of them belongs to a
   * sign-in that is over, and its result is thrown away rather than kept or acted on.
   */
  #generation = 0;
  /** What the client last learnt: a 401 while not already signed out is a sign-out. */
  #known: Known = 'unknown';

  constructor(config: AuthConfig = {}) {
    this.mode = config.mode ?? detectMode();
    this.#endpoint = (config.endpoint ?? '').replace(/\/+$/, '');
    this.#credentials = config.credentials ?? 'same-origin';
    const fetch = config.fetch ?? globalThis.fetch;
    // A bare `fetch` called as a method of this object would lose its `this` in browsers.
    this.#fetch = (input, init) => fetch(input, init);
    this.#storage = config.storage ?? new MemoryStorage();
    this.#apis = { ...config.apis };
    this.#getPasskeyCredential = config.getPasskeyCredential;
    this.#createPasskeyCredential = config.createPasskeyCredential;
    if (this.mode === 'native' && this.#endpoint === '') {
      throw new AuthError({ code: 'invalid_config', message: 'native mode needs the service\'s endpoint' });
    }
  }

  get #browser(): boolean {
    return this.mode === 'browser';
  }

  // ---- events -------------------------------------------------------------------------------

  /** Like Amplify's `Hub.listen('auth', …)`: `signedIn`, `signedOut`, `tokenRefresh`, … */
  listen(callback: AuthHubCallback): () => void {
    this.#listeners.add(callback);
    return () => {
      this.#listeners.delete(callback);
    };
  }

  #emit(event: AuthHubEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener({ channel: 'auth', payload: { event } });
      } catch {
        // One listener's failure must not keep the others from hearing.
      }
    }
  }

  async #signedOut(): Promise<void> {
    this.#generation += 1;
    if (!this.#browser) {
      await this.#storage.removeItem(TOKENS_KEY);
    }
    if (this.#known !== 'out') {
      this.#known = 'out';
      this.#emit('signedOut');
    }
  }

  // ---- sign-in ------------------------------------------------------------------------------

  async signIn(input: SignInInput): Promise<SignInOutput> {
    this.#pending = undefined;
    const options = input.options ?? {};
    const body: Schemas['LoginRequest'] = { username: input.username };
    if (input.password !== undefined) body.password = input.password;
    if (options.preferredChallenge !== undefined) body.preferred_challenge = options.preferredChallenge;
    if (options.clientMetadata !== undefined) body.client_metadata = options.clientMetadata;
    if (options.rememberDevice !== undefined) body.remember_device = options.rememberDevice;
    return this.#step(() =>
      this.#send<Schemas['SignInResponse']>({ method: 'POST', path: '/login', body, signIn: true }),
    );
  }

  async confirmSignIn(input: ConfirmSignInInput): Promise<ConfirmSignInOutput> {
    const pending = this.#pending;
    if (pending === undefined) {
      throw new AuthError({
        code: 'no_sign_in_in_progress',
        message: 'no sign-in is waiting for an answer: call signIn first',
      });
    }
    const answer = input.challengeResponse;
    const options = input.options ?? {};
    let responses: Record<string, unknown>;
    switch (pending.challenge) {
      case 'NEW_PASSWORD_REQUIRED':
        responses = { NEW_PASSWORD: answer };
        for (const [name, value] of Object.entries(options.userAttributes ?? {})) {
          if (value !== undefined) responses[`userAttributes.${name}`] = value;
        }
        break;
      case 'SOFTWARE_TOKEN_MFA':
        responses = { SOFTWARE_TOKEN_MFA_CODE: answer };
        break;
      case 'SMS_MFA':
        responses = { SMS_MFA_CODE: answer };
        break;
      case 'SMS_OTP':
        responses = { SMS_OTP_CODE: answer };
        break;
      case 'EMAIL_OTP':
        responses = { EMAIL_OTP_CODE: answer };
        break;
      case 'SELECT_MFA_TYPE':
        responses = { ANSWER: mfaChallengeName(answer) };
        break;
      case 'MFA_SETUP':
        // As Amplify reads the answer: a choice of method, the first TOTP code, or the
        // address for email MFA.
        if (answer === 'TOTP') {
          return this.#step(() => this.#totpSetup(pending));
        }
        if (answer === 'EMAIL') {
          pending.nextStep = 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP';
          return { isSignedIn: false, nextStep: { signInStep: 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP' } };
        }
        if (/^\d+$/.test(answer)) {
          responses = { TOTP_CODE: answer };
        } else if (answer.includes('@')) {
          responses = { EMAIL: answer };
        } else {
          throw new AuthError({
            code: 'invalid_challenge_response',
            message: 'answer MFA set-up with "TOTP", "EMAIL", an authenticator code or an email address',
          });
        }
        break;
      case 'SELECT_CHALLENGE':
        if (pending.nextStep === 'CONFIRM_SIGN_IN_WITH_PASSWORD') {
          responses = { ANSWER: pending.factor ?? 'PASSWORD', PASSWORD: answer };
        } else {
          responses = { ANSWER: answer };
          if (answer === 'PASSWORD' || answer === 'PASSWORD_SRP') pending.factor = answer;
        }
        break;
      case 'CUSTOM_CHALLENGE':
        responses = { ANSWER: answer };
        break;
      case 'WEB_AUTHN':
        throw new AuthError({
          code: 'not_supported',
          message: 'a passkey step is answered by signIn itself; to use another factor, call signIn again',
        });
    }
    const body: Schemas['ChallengeRequest'] = {
      challenge: pending.challenge,
      responses: responses as Schemas['ChallengeRequest']['responses'],
    };
    if (options.clientMetadata !== undefined) body.client_metadata = options.clientMetadata;
    if (options.rememberDevice !== undefined) body.remember_device = options.rememberDevice;
    return this.#step(() =>
      this.#send<Schemas['SignInResponse']>({
        method: 'POST',
        path: '/challenge',
        body,
        signIn: true,
        handle: pending.handle,
      }),
    );
  }

  /** One sign-in step: its answer as Amplify's result, or the refusals Amplify reports as steps. */
  async #step(
    call: () => Promise<Answer<Schemas['SignInResponse'] | Schemas['TotpSetupChallenge']>>,
  ): Promise<SignInOutput> {
    let answer: Answer<Schemas['SignInResponse'] | Schemas['TotpSetupChallenge']>;
    try {
      answer = await call();
    } catch (error) {
      if (error instanceof AuthError) {
        if (error.status === 401) {
          // The challenge is over (used, expired, refused): the user starts again.
          this.#pending = undefined;
        }
        if (error.code === 'user_not_confirmed') {
          this.#pending = undefined;
          return { isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_UP' } };
        }
        if (error.code === 'password_reset_required') {
          this.#pending = undefined;
          return { isSignedIn: false, nextStep: { signInStep: 'RESET_PASSWORD' } };
        }
      }
      throw error;
    }
    return this.#signInResult(answer);
  }

  async #signInResult(
    answer: Answer<Schemas['SignInResponse'] | Schemas['TotpSetupChallenge']>,
  ): Promise<SignInOutput> {
    const data = answer.data;
    if (data.status === 'authenticated') {
      this.#pending = undefined;
      if (!this.#browser && data.tokens === undefined) {
        // The service took this app for a browser (it saw `Origin` or `Sec-Fetch-Site`) and
        // answered a session cookie, which an app without a cookie jar can't use.
        throw new AuthError({
          code: 'unexpected_response',
          status: answer.status,
          message:
            'the sign-in answered a browser session, not tokens: the service saw an Origin or Sec-Fetch-Site header, or its TOKEN_DELIVERY is session',
          requestId: answer.headers.get('x-request-id') ?? undefined,
        });
      }
      // A new sign-in: a refresh still under way belongs to the one before.
      this.#generation += 1;
      if (!this.#browser && data.tokens !== undefined) {
        await this.#keepTokens(data.tokens, null);
        if (data.device_handle !== undefined) await this.#storage.setItem(DEVICE_KEY, data.device_handle);
      }
      // A browser keeps no token, whatever an answer held: it has the cookie.
      this.#known = 'in';
      this.#emit('signedIn');
      return { isSignedIn: true, nextStep: { signInStep: 'DONE' } };
    }
    const pending: Pending = {
      challenge: data.challenge,
      nextStep: data.next_step,
      handle: this.#browser ? undefined : (answer.headers.get('challenge-handle') ?? undefined),
    };
    if (this.#pending?.factor !== undefined && data.challenge === 'SELECT_CHALLENGE') {
      pending.factor = this.#pending.factor;
    }
    this.#pending = pending;
    if (!KNOWN_CHALLENGES.has(data.challenge)) {
      // confirmSignIn would not know how to name its answer.
      this.#pending = undefined;
      throw new AuthError({
        code: 'unknown_next_step',
        status: answer.status,
        message: `the service asked for a challenge this client does not know: ${String(data.challenge)}`,
        requestId: answer.headers.get('x-request-id') ?? undefined,
      });
    }
    if ('secret' in data) {
      return {
        isSignedIn: false,
        nextStep: {
          signInStep: 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP',
          totpSetupDetails: totpSetupDetails(data.secret, data.otpauth_uri),
        },
      };
    }
    const parameters = data.parameters;
    const nextStep = ((): AuthNextSignInStep | 'TOTP_SETUP' | 'PASSKEY' | undefined => {
      switch (data.next_step) {
        case 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED':
          return {
            signInStep: data.next_step,
            missingAttributes: list(parameters.requiredAttributes).map((name) =>
              name.replace(/^userAttributes\./, ''),
            ),
          };
        case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
        case 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP':
        case 'CONFIRM_SIGN_IN_WITH_PASSWORD':
          return { signInStep: data.next_step };
        case 'CONFIRM_SIGN_IN_WITH_SMS_CODE':
        case 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE':
          return { signInStep: data.next_step, codeDeliveryDetails: challengeDelivery(parameters) };
        case 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION':
          return { signInStep: data.next_step, allowedMFATypes: mfaTypes(parameters.MFAS_CAN_CHOOSE) };
        case 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION':
          return {
            signInStep: data.next_step,
            allowedMFATypes: mfaTypes(parameters.MFAS_CAN_SETUP).filter((t) => t !== 'SMS'),
          };
        case 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION':
          return { signInStep: data.next_step, availableChallenges: data.available_challenges ?? [] };
        case 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE': {
          const additionalInfo: Record<string, string> = Object.fromEntries(
            Object.entries(parameters).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
          );
          return { signInStep: data.next_step, additionalInfo };
        }
        case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP':
          return 'TOTP_SETUP';
        case 'CONFIRM_SIGN_IN_WITH_PASSKEY':
          return 'PASSKEY';
        default:
          return undefined;
      }
    })();
    if (nextStep === undefined) {
      // A step added to the service after this client: nothing here can answer it.
      this.#pending = undefined;
      throw new AuthError({
        code: 'unknown_next_step',
        status: answer.status,
        message: `the service named a sign-in step this client does not know: ${String(data.next_step)}`,
        requestId: answer.headers.get('x-request-id') ?? undefined,
      });
    }
    if (nextStep === 'TOTP_SETUP') {
      // Amplify fetches the secret itself and hands it out with the step; a refusal of that
      // request ends the pending challenge as any other step's does.
      return this.#step(() => this.#totpSetup(pending));
    }
    if (nextStep === 'PASSKEY') {
      return this.#passkey(pending, parameters.CREDENTIAL_REQUEST_OPTIONS ?? {});
    }
    return { isSignedIn: false, nextStep };
  }

  #totpSetup(pending: Pending): Promise<Answer<Schemas['TotpSetupChallenge']>> {
    return this.#send<Schemas['TotpSetupChallenge']>({
      method: 'POST',
      path: '/challenge/totp',
      signIn: true,
      handle: pending.handle,
    });
  }

  /** A passkey step, answered at once as Amplify does: the browser's (or the app's) assertion. */
  async #passkey(pending: Pending, options: Record<string, unknown>): Promise<SignInOutput> {
    const credential = await this.#passkeyCredential(options);
    return this.#step(() =>
      this.#send<Schemas['SignInResponse']>({
        method: 'POST',
        path: '/challenge',
        body: { challenge: 'WEB_AUTHN', responses: { CREDENTIAL: credential } },
        signIn: true,
        handle: pending.handle,
      }),
    );
  }

  async #passkeyCredential(options: Record<string, unknown>): Promise<unknown> {
    if (this.#getPasskeyCredential !== undefined) {
      return this.#getPasskeyCredential(options);
    }
    const global = globalThis as {
      PublicKeyCredential?: { parseRequestOptionsFromJSON?: (json: unknown) => unknown };
      navigator?: { credentials?: { get(options: unknown): Promise<{ toJSON(): unknown } | null> } };
    };
    const parse = global.PublicKeyCredential?.parseRequestOptionsFromJSON;
    const credentials = global.navigator?.credentials;
    if (parse === undefined || credentials === undefined) {
      this.#pending = undefined;
      throw new AuthError({
        code: 'not_supported',
        message: 'passkeys need WebAuthn (a browser) or the getPasskeyCredential setting',
      });
    }
    let credential: { toJSON(): unknown } | null;
    try {
      credential = await credentials.get({ publicKey: parse.call(global.PublicKeyCredential, options) });
      if (credential !== null) return credential.toJSON();
    } catch (error) {
      // The user cancelled, no passkey fits, or the options were refused (a DOMException).
      throw new AuthError({ code: 'passkey_failed', message: 'the browser gave no passkey assertion', underlyingError: error });
    }
    throw new AuthError({ code: 'passkey_failed', message: 'no passkey was chosen' });
  }

  // ---- sign-up ------------------------------------------------------------------------------

  async signUp(input: SignUpInput): Promise<SignUpOutput> {
    const options = input.options ?? {};
    const body: Schemas['SignUpRequest'] = { username: input.username };
    if (input.password !== undefined) body.password = input.password;
    if (options.userAttributes !== undefined) body.attributes = attributes(options.userAttributes);
    if (options.clientMetadata !== undefined) body.client_metadata = options.clientMetadata;
    const { data } = await this.#send<Schemas['SignUpResponse']>({ method: 'POST', path: '/signup', body });
    if (data.confirmed) {
      return { isSignUpComplete: true, userId: data.user_sub, nextStep: { signUpStep: 'DONE' } };
    }
    return {
      isSignUpComplete: false,
      userId: data.user_sub,
      nextStep: { signUpStep: 'CONFIRM_SIGN_UP', codeDeliveryDetails: delivery(data.code_delivery) },
    };
  }

  async confirmSignUp(input: ConfirmSignUpInput): Promise<ConfirmSignUpOutput> {
    const body: Schemas['ConfirmRequest'] = { username: input.username, code: input.confirmationCode };
    if (input.options?.clientMetadata !== undefined) body.client_metadata = input.options.clientMetadata;
    const { data, headers } = await this.#send<Schemas['ConfirmResponse']>({
      method: 'POST',
      path: '/signup/confirm',
      body,
      signIn: true,
    });
    if (data.next_step === 'COMPLETE_AUTO_SIGN_IN') {
      this.#autoSignInHandle = this.#browser ? undefined : (headers.get('challenge-handle') ?? undefined);
      return { isSignUpComplete: true, nextStep: { signUpStep: 'COMPLETE_AUTO_SIGN_IN' } };
    }
    return { isSignUpComplete: true, nextStep: { signUpStep: 'DONE' } };
  }

  /** Finishes the sign-in a confirmed sign-up earned (`COMPLETE_AUTO_SIGN_IN`). */
  async autoSignIn(): Promise<SignInOutput> {
    const handle = this.#autoSignInHandle;
    this.#autoSignInHandle = undefined;
    this.#pending = undefined;
    return this.#step(() =>
      this.#send<Schemas['SignInResponse']>({
        method: 'POST',
        path: '/signup/auto-sign-in',
        body: {},
        signIn: true,
        handle,
      }),
    );
  }

  async resendSignUpCode(input: ResendSignUpCodeInput): Promise<ResendSignUpCodeOutput> {
    const body: Schemas['ResendRequest'] = { username: input.username };
    if (input.options?.clientMetadata !== undefined) body.client_metadata = input.options.clientMetadata;
    const { data } = await this.#send<Schemas['ResendResponse']>({ method: 'POST', path: '/signup/resend', body });
    return delivery(data.code_delivery);
  }

  // ---- passwords ----------------------------------------------------------------------------

  async resetPassword(input: ResetPasswordInput): Promise<ResetPasswordOutput> {
    const body: Schemas['ForgotPasswordRequest'] = { username: input.username };
    if (input.options?.clientMetadata !== undefined) body.client_metadata = input.options.clientMetadata;
    const { data } = await this.#send<Schemas['ForgotPasswordResponse']>({
      method: 'POST',
      path: '/password/forgot',
      body,
    });
    return {
      isPasswordReset: false,
      nextStep: {
        resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE',
        codeDeliveryDetails: delivery(data.code_delivery),
      },
    };
  }

  async confirmResetPassword(input: ConfirmResetPasswordInput): Promise<void> {
    const body: Schemas['ResetPasswordRequest'] = {
      username: input.username,
      code: input.confirmationCode,
      new_password: input.newPassword,
    };
    if (input.options?.clientMetadata !== undefined) body.client_metadata = input.options.clientMetadata;
    await this.#send<Schemas['ResetPasswordResponse']>({ method: 'POST', path: '/password/reset', body });
  }

  async updatePassword(input: UpdatePasswordInput): Promise<void> {
    const body: Schemas['ChangePasswordRequest'] = {
      previous_password: input.oldPassword,
      proposed_password: input.newPassword,
    };
    const { data } = await this.#send<Schemas['CredentialChange']>({
      method: 'POST',
      path: '/password/change',
      body,
      user: true,
    });
    await this.#afterChange(data.session);
  }

  /** A change of credentials either moved the session to a new cookie or ended it. */
  async #afterChange(session: Schemas['SessionAfterChange'] | undefined): Promise<void> {
    if (session === 'ended') await this.#signedOut();
  }

  // ---- the user -----------------------------------------------------------------------------

  async fetchUserAttributes(): Promise<FetchUserAttributesOutput> {
    const { data } = await this.#send<Schemas['Me']>({ method: 'GET', path: '/me', user: true });
    // Cognito keeps text, and Amplify hands it on as text: `"true"`, `"1700000000"`. Each name
    // becomes an own property, even one such as `__proto__`.
    return Object.fromEntries(
      Object.entries(data.attributes).map(([name, value]) => [name, String(value)]),
    ) as FetchUserAttributesOutput;
  }

  async updateUserAttributes(input: UpdateUserAttributesInput): Promise<UpdateUserAttributesOutput> {
    const { data } = await this.#send<Schemas['UpdateMeResponse']>({
      method: 'PATCH',
      path: '/me',
      body: { attributes: attributes(input.userAttributes) },
      user: true,
    });
    const out: UpdateUserAttributesOutput = {};
    for (const name of Object.keys(input.userAttributes)) {
      out[name] = { isUpdated: true, nextStep: { updateAttributeStep: 'DONE' } };
    }
    for (const sent of data.code_deliveries) {
      // The service says where a code went, not for which attribute: a mailed code is the
      // email's, a texted one the phone number's.
      const name = sent.medium === 'EMAIL' ? 'email' : sent.medium === 'SMS' ? 'phone_number' : undefined;
      if (name === undefined || !(name in input.userAttributes)) continue;
      out[name] = {
        isUpdated: false,
        nextStep: {
          updateAttributeStep: 'CONFIRM_ATTRIBUTE_WITH_CODE',
          codeDeliveryDetails: { ...delivery(sent), attributeName: name },
        },
      };
    }
    return out;
  }

  async fetchMFAPreference(): Promise<FetchMFAPreferenceOutput> {
    const { data } = await this.#send<Schemas['Me']>({ method: 'GET', path: '/me', user: true });
    const out: FetchMFAPreferenceOutput = {};
    if (data.mfa.enabled.length > 0) out.enabled = data.mfa.enabled;
    if (data.mfa.preferred !== null) out.preferred = data.mfa.preferred;
    return out;
  }

  async setUpTOTP(): Promise<AuthTOTPSetupDetails> {
    const { data } = await this.#send<Schemas['TotpSecret']>({
      method: 'POST',
      path: '/mfa/totp/setup',
      user: true,
    });
    return totpSetupDetails(data.secret, data.otpauth_uri);
  }

  /** Confirms the authenticator with its first code. The service also makes TOTP preferred. */
  async verifyTOTPSetup(input: VerifyTOTPSetupInput): Promise<void> {
    const { data } = await this.#send<Schemas['TotpStatus']>({
      method: 'POST',
      path: '/mfa/totp/verify',
      body: { code: input.code },
      user: true,
    });
    await this.#afterChange(data.session);
  }

  async updateMFAPreference(input: UpdateMFAPreferenceInput): Promise<void> {
    if (input.sms !== undefined) {
      throw new AuthError({ code: 'not_supported', message: 'the service offers no SMS MFA to change' });
    }
    if (input.email !== undefined) {
      await this.#emailMfa(input.email);
    }
    if (input.totp === 'DISABLED') {
      const { data } = await this.#send<Schemas['TotpStatus']>({ method: 'DELETE', path: '/mfa/totp', user: true });
      await this.#afterChange(data.session);
    } else if (input.totp !== undefined) {
      // TOTP is turned on (and preferred) by verifyTOTPSetup; here it can only be found so.
      const { enabled = [], preferred } = await this.fetchMFAPreference();
      const reached =
        enabled.includes('TOTP') &&
        (input.totp !== 'PREFERRED' || preferred === 'TOTP') &&
        (input.totp !== 'NOT_PREFERRED' || preferred !== 'TOTP');
      if (!reached) {
        throw new AuthError({
          code: 'not_supported',
          message: `TOTP can't be made ${input.totp} here: setUpTOTP and verifyTOTPSetup turn it on as the preferred method`,
        });
      }
    }
  }

  async #emailMfa(preference: MFAPreference): Promise<void> {
    if (preference === 'DISABLED') {
      const { data } = await this.#send<Schemas['EmailMfaStatus']>({ method: 'DELETE', path: '/mfa/email', user: true });
      await this.#afterChange(data.session);
      return;
    }
    const body: Schemas['EmailMfaRequest'] = {};
    if (preference === 'PREFERRED') body.preferred = true;
    if (preference === 'NOT_PREFERRED') body.preferred = false;
    const { data } = await this.#send<Schemas['EmailMfaStatus']>({
      method: 'POST',
      path: '/mfa/email',
      body,
      user: true,
    });
    await this.#afterChange(data.session);
  }

  async getCurrentUser(): Promise<AuthUser> {
    if (this.#browser) {
      const { data } = await this.#send<Schemas['SessionView']>({ method: 'GET', path: '/session', user: true });
      return { username: data.user.username, userId: data.user.sub };
    }
    const tokens = await this.#freshTokens();
    const id = tokens.idToken === null ? undefined : decodeJwt(tokens.idToken).payload;
    const access = decodeJwt(tokens.accessToken).payload;
    const username = id?.['cognito:username'] ?? access['username'];
    const userId = id?.sub ?? access.sub;
    if (typeof username !== 'string' || typeof userId !== 'string') {
      throw new AuthError({ code: 'unexpected_response', message: 'the tokens name no user' });
    }
    return { username, userId };
  }

  /**
   * Amplify's session. In a browser: who is signed in and how, never a token (`forceRefresh`
   * has the service refresh the session's tokens now). In native mode: the tokens, refreshed
   * when they are about to expire. Signed out: an empty object, as in Amplify.
   */
  async fetchAuthSession(options: FetchAuthSessionOptions = {}): Promise<AuthSession> {
    if (this.#browser) {
      try {
        const view = options.forceRefresh
          ? await this.#refreshedSession()
          : (await this.#send<Schemas['SessionView']>({ method: 'GET', path: '/session', user: true })).data;
        return { userSub: view.user.sub, session: browserSession(view) };
      } catch (error) {
        if (error instanceof AuthError && error.status === 401) return {};
        throw error;
      }
    }
    const stored = await this.#loadTokens();
    if (stored === undefined) return {};
    let tokens: StoredTokens;
    try {
      tokens = options.forceRefresh ? await this.#refresh(stored) : await this.#freshTokens();
    } catch (error) {
      if (error instanceof AuthError && error.status === 401) return {};
      throw error;
    }
    const accessToken = decodeJwt(tokens.accessToken);
    const session: AuthSession = { tokens: { accessToken } };
    if (tokens.idToken !== null && session.tokens !== undefined) session.tokens.idToken = decodeJwt(tokens.idToken);
    if (accessToken.payload.sub !== undefined) session.userSub = accessToken.payload.sub;
    return session;
  }

  async #refreshedSession(): Promise<Schemas['SessionView']> {
    const { data } = await this.#send<Schemas['Authenticated']>({
      method: 'POST',
      path: '/token/refresh',
      body: {},
      user: true,
      signIn: true,
    });
    if (data.session === undefined) {
      throw new AuthError({ code: 'unexpected_response', message: 'the refresh answered no session' });
    }
    this.#emit('tokenRefresh');
    return data.session;
  }

  // ---- passkeys -----------------------------------------------------------------------------

  /**
   * Registers a passkey for the signed-in user, as Amplify does: the service asks Cognito for
   * the options, the browser (or `createPasskeyCredential`) makes the credential, and the
   * service hands it to Cognito. Needs a recent sign-in (`recent_sign_in_required`).
   */
  async associateWebAuthnCredential(): Promise<void> {
    // Asked first, so that a runtime without WebAuthn starts no registration at Cognito.
    const create = this.#passkeyCreator();
    const { data: started } = await this.#send<Schemas['PasskeyCreation']>({
      method: 'POST',
      path: '/me/passkeys',
      user: true,
    });
    const options: unknown = started.creation_options;
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new AuthError({ code: 'unexpected_response', message: 'the service gave no creation options' });
    }
    const credential = await create(options as Record<string, unknown>);
    const { data } = await this.#send<Schemas['PasskeyRegistered']>({
      method: 'POST',
      path: '/me/passkeys/complete',
      body: { credential },
      user: true,
    });
    if (data.registered !== true) {
      throw new AuthError({ code: 'unexpected_response', message: 'the service did not say the passkey was registered' });
    }
    await this.#afterChange(data.session);
  }

  /** What makes a passkey here: the app's own setting, else the browser's WebAuthn. */
  #passkeyCreator(): (options: Record<string, unknown>) => Promise<Schemas['PasskeyCompletion']['credential']> {
    const own = this.#createPasskeyCredential;
    if (own !== undefined) {
      return async (options) => (await own(options)) as Schemas['PasskeyCompletion']['credential'];
    }
    const global = globalThis as {
      PublicKeyCredential?: { parseCreationOptionsFromJSON?: (json: unknown) => unknown };
      navigator?: { credentials?: { create(options: unknown): Promise<{ toJSON(): unknown } | null> } };
    };
    const parse = global.PublicKeyCredential?.parseCreationOptionsFromJSON;
    const credentials = global.navigator?.credentials;
    if (parse === undefined || credentials === undefined) {
      throw new AuthError({
        code: 'not_supported',
        message: 'passkeys need WebAuthn (a browser) or the createPasskeyCredential setting',
      });
    }
    return async (options) => {
      try {
        const credential = await credentials.create({ publicKey: parse.call(global.PublicKeyCredential, options) });
        // Inside the try: a credential some extensions make can't write itself as JSON.
        if (credential !== null) return credential.toJSON() as Schemas['PasskeyCompletion']['credential'];
      } catch (error) {
        // The user cancelled, the authenticator holds this passkey already, the options were
        // refused (a DOMException), or the credential can't be read. Its registration at
        // Cognito lapses unanswered.
        throw new AuthError({ code: 'passkey_failed', message: 'the browser made no passkey', underlyingError: error });
      }
      throw new AuthError({ code: 'passkey_failed', message: 'the browser made no passkey' });
    };
  }

  /**
   * The user's passkeys. The service answers with all of them at once (Cognito keeps at most
   * 20); `pageSize` and `nextToken` page through them here, in the order they were added.
   * Each page asks the service again, and `nextToken` names the last passkey given, so a
   * passkey removed or added between pages shifts nothing.
   */
  async listWebAuthnCredentials(input: ListWebAuthnCredentialsInput = {}): Promise<ListWebAuthnCredentialsOutput> {
    const { pageSize, nextToken } = input;
    if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1)) {
      throw new AuthError({ code: 'invalid_input', message: 'pageSize must be a whole number from 1' });
    }
    const after = nextToken === undefined ? undefined : pageMark(nextToken);
    if (after === null) {
      throw new AuthError({ code: 'invalid_input', message: 'nextToken must come from an earlier page' });
    }
    const { data } = await this.#send<Schemas['PasskeyList']>({ method: 'GET', path: '/me/passkeys', user: true });
    const ordered = [...data.passkeys].sort(byAge);
    const rest = after === undefined ? ordered : ordered.filter((passkey) => byAge(passkey, after) > 0);
    const page = pageSize === undefined ? rest : rest.slice(0, pageSize);
    const credentials = page.map(
      (passkey): AuthWebAuthnCredential => ({
        credentialId: passkey.id,
        friendlyCredentialName: passkey.name,
        relyingPartyId: passkey.relying_party_id,
        ...(passkey.attachment === undefined ? {} : { authenticatorAttachment: passkey.attachment }),
        authenticatorTransports: passkey.transports,
        createdAt: seconds(passkey.created_at),
      }),
    );
    const last = page.at(-1);
    return page.length < rest.length && last !== undefined
      ? { credentials, nextToken: `${last.created_at}.${last.id}` }
      : { credentials };
  }

  /** Removes one of the user's passkeys; the user's other browser sessions end with it. */
  async deleteWebAuthnCredential(input: DeleteWebAuthnCredentialInput): Promise<void> {
    const id: unknown = input?.credentialId;
    // A credential id is base64url: nothing that could name another path.
    if (typeof id !== 'string' || !CREDENTIAL_ID.test(id)) {
      throw new AuthError({ code: 'invalid_input', message: 'a credentialId from listWebAuthnCredentials is needed' });
    }
    const { data } = await this.#send<Schemas['PasskeyRemoved']>({
      method: 'DELETE',
      path: `/me/passkeys/${id}`,
      user: true,
    });
    if (data.removed !== true) {
      throw new AuthError({ code: 'unexpected_response', message: 'the service did not say the passkey was removed' });
    }
    await this.#afterChange(data.session);
  }

  // ---- sign-out and sessions ----------------------------------------------------------------

  /**
   * Signs out this device, or with `global` every device and browser of the user.
   *
   * In a browser the session lives in the service, so `signedOut` is emitted only once the
   * service has ended it: a refused sign-out (this device's or the global one) throws, and the
   * user stays signed in to try again. In native mode a sign-out of this device drops the
   * tokens kept here and emits `signedOut` whatever the service answers, as Amplify does; if
   * the service could not revoke them, the error is thrown afterwards, so the app knows the
   * refresh token may still be live. A global sign-out that fails throws and drops nothing.
   */
  async signOut(input: SignOutInput = {}): Promise<void> {
    const everywhere = input.global === true;
    this.#pending = undefined;
    if (this.#browser) {
      // `user`: a 401 (a global sign-out with no live session) means the session is gone.
      const { data } = await this.#send<Schemas['FederatedLogout'] | undefined>({
        method: 'POST',
        path: '/logout',
        body: { everywhere },
        user: true,
      });
      // The service ended the session and cleared its cookie.
      this.#known = 'in';
      await this.#signedOut();
      const location = (globalThis as { location?: { assign(url: string): void } }).location;
      if (data !== undefined && location !== undefined) {
        // A federated session ends at the pool's managed login too; the page goes nowhere but
        // to a web address.
        location.assign(webUrl(data.logout_url));
      }
      return;
    }
    const stored = await this.#loadTokens();
    let failure: unknown;
    if (stored !== undefined) {
      try {
        // Everywhere needs a live access token; this device's sign-out takes an expired one.
        const tokens = everywhere ? await this.#freshTokens() : stored;
        const body: Schemas['LogoutRequest'] = { everywhere };
        if (tokens.refreshToken !== null) body.refresh_token = tokens.refreshToken;
        await this.#send<undefined>({ method: 'POST', path: '/logout', body, bearer: tokens.accessToken });
      } catch (error) {
        if (everywhere) throw error;
        failure = error;
      }
    }
    this.#known = 'in';
    await this.#signedOut();
    if (failure !== undefined) throw failure;
  }

  /** The user's live browser sessions, the most recently used first. */
  async listSessions(): Promise<SessionInfo[]> {
    const { data } = await this.#send<Schemas['SessionList']>({ method: 'GET', path: '/sessions', user: true });
    return data.sessions.map((s) => ({
      id: s.id,
      current: s.current,
      device: s.device,
      userAgent: s.user_agent,
      ip: s.ip,
      createdAt: seconds(s.created_at),
      lastSeenAt: seconds(s.last_seen_at),
      expiresAt: seconds(s.expires_at),
    }));
  }

  /** Ends one browser session of the user, at once on every replica. */
  async endSession(input: EndSessionInput): Promise<void> {
    const id: unknown = input.id;
    // `.` and `..` would name another path once the URL is resolved (`DELETE /sessions/`).
    if (typeof id !== 'string' || id === '' || id === '.' || id === '..') {
      throw new AuthError({ code: 'invalid_session_id', message: 'a session id from listSessions is needed' });
    }
    await this.#send<undefined>({
      method: 'DELETE',
      path: `/sessions/${encodeURIComponent(id)}`,
      user: true,
    });
  }

  /** Ends every browser session of the user but this one (all of them, in native mode). */
  async endOtherSessions(): Promise<{ ended: number }> {
    const { data } = await this.#send<Schemas['SessionsEnded']>({ method: 'DELETE', path: '/sessions', user: true });
    return { ended: data.ended };
  }

  // ---- upstream APIs ------------------------------------------------------------------------

  /**
   * A `fetch` for the upstream API `name`. In a browser it goes through the service's token
   * handler, `/api/{name}/…`, with the cookie and the CSRF header, and the service adds the
   * token. In native mode it goes straight to `apis[name]` with the access token (the token
   * handler takes only the session cookie). A 401 signs the user out here (`signedOut`); the
   * answer is returned as it came, for the app to read. A name the service would not take
   * (`invalid_api_name`) and a path that could lead out of the API's base (`invalid_path`:
   * `.` or `..` segments in any encoding, backslashes, encoded slashes, control characters,
   * another URL) are refused before anything is sent.
   */
  api(name: string): (path?: string, init?: RequestInit) => Promise<Response> {
    if (typeof name !== 'string' || !API_NAME.test(name)) {
      // As the service's API_UPSTREAMS names them; anything else could name another path.
      throw new AuthError({ code: 'invalid_api_name', message: `an API is named by 1 to 32 of a-z, 0-9 and -, not ${JSON.stringify(name)}` });
    }
    return async (path = '', init = {}) => {
      const rest = apiPath(path);
      let method: string;
      let headers: Headers;
      try {
        method = (init.method ?? 'GET').toUpperCase();
        headers = new Headers(init.headers);
      } catch (error) {
        throw new AuthError({ code: 'invalid_input', message: `the request for the API ${name} has unusable headers`, underlyingError: error });
      }
      const request: RequestInit = { ...init, method, headers };
      let base: string;
      if (this.#browser) {
        base = `${this.#endpoint}/api/${name}`;
        if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) headers.set('x-csrf', '1');
        request.credentials = init.credentials ?? this.#credentials;
      } else {
        // The app's own entries only: `constructor` is no API's name.
        const configured: unknown = Object.hasOwn(this.#apis, name) ? this.#apis[name] : undefined;
        if (typeof configured !== 'string') {
          throw new AuthError({ code: 'api_not_configured', message: `no base URL for the API ${name} (apis)` });
        }
        base = configured.replace(/\/+$/, '');
      }
      const url = `${base}${rest === '' ? '' : `/${rest}`}`;
      // Whatever the path held, the request goes to the API's base and below it: never to
      // another of the service's routes with the cookie, nor elsewhere with the token.
      // A browser's endpoint may be relative (the page's own origin), resolved as fetch does;
      // an app's API base is a URL of its own.
      const page = (globalThis as { location?: { href?: string } }).location?.href ?? 'http://localhost/';
      assertBelow(url, base, name, this.#browser ? page : undefined);
      if (!this.#browser) {
        headers.set('authorization', `Bearer ${(await this.#freshTokens()).accessToken}`);
        request.credentials = 'omit';
      }
      const generation = this.#generation;
      let response: Response;
      try {
        response = await this.#fetch(url, request);
      } catch (error) {
        throw new AuthError({ code: 'network_error', message: `the API ${name} could not be reached`, underlyingError: error });
      }
      if (generation !== this.#generation) {
        // Someone signed in or out while the call was under way: its answer says nothing of now.
      } else if (response.status === 401) {
        await this.#signedOut();
      } else if (response.ok) {
        this.#known = 'in';
      }
      return response;
    };
  }

  // ---- tokens (native mode) -----------------------------------------------------------------

  async #loadTokens(): Promise<StoredTokens | undefined> {
    const text = await this.#storage.getItem(TOKENS_KEY);
    if (text === null) return undefined;
    let tokens: unknown;
    try {
      tokens = JSON.parse(text);
    } catch {
      tokens = undefined;
    }
    if (!isStoredTokens(tokens)) {
      // Not what this client keeps: nobody is signed in.
      await this.#storage.removeItem(TOKENS_KEY);
      return undefined;
    }
    return tokens;
  }

  async #keepTokens(tokens: Schemas['Tokens'], previous: StoredTokens | null): Promise<StoredTokens> {
    const kept: StoredTokens = {
      accessToken: tokens.access_token,
      idToken: tokens.id_token ?? previous?.idToken ?? null,
      // Without rotation a refresh answers no refresh token: the one held lives on.
      refreshToken: tokens.refresh_token ?? previous?.refreshToken ?? null,
      expiresAt: Date.now() + tokens.expires_in * 1000,
    };
    await this.#storage.setItem(TOKENS_KEY, JSON.stringify(kept));
    return kept;
  }

  async #freshTokens(): Promise<StoredTokens> {
    const tokens = await this.#loadTokens();
    if (tokens === undefined) {
      throw new AuthError({ code: 'missing_token', status: 401, message: 'nobody is signed in' });
    }
    if (tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS || tokens.refreshToken === null) {
      return tokens;
    }
    return this.#refresh(tokens);
  }

  /**
   * One refresh at a time: with rotation, a second one would spend a replaced token. A refresh
   * that ends after a sign-in or sign-out belongs to a sign-in that is over: its tokens are not
   * kept, its refusal signs nobody out, and its callers get `session_changed`.
   */
  #refresh(tokens: StoredTokens): Promise<StoredTokens> {
    const generation = this.#generation;
    const running = this.#refreshing;
    if (running !== undefined && running.generation === generation) return running.promise;
    const refreshToken = tokens.refreshToken;
    if (refreshToken === null) return Promise.resolve(tokens);
    const entry = { generation, promise: this.#refreshWith(tokens, refreshToken, generation) };
    this.#refreshing = entry;
    // Cleared once settled (never before it is set), and only if no newer refresh replaced it.
    const clear = () => {
      if (this.#refreshing === entry) this.#refreshing = undefined;
    };
    entry.promise.then(clear, clear);
    return entry.promise;
  }

  async #refreshWith(tokens: StoredTokens, refreshToken: string, generation: number): Promise<StoredTokens> {
    const stale = () =>
      new AuthError({
        code: 'session_changed',
        message: 'the user signed in or out while the tokens were being refreshed',
      });
    let data: Schemas['Authenticated'];
    try {
      ({ data } = await this.#send<Schemas['Authenticated']>({
        method: 'POST',
        path: '/token/refresh',
        body: { refresh_token: refreshToken },
        signIn: true,
      }));
    } catch (error) {
      if (generation !== this.#generation) throw stale();
      if (error instanceof AuthError && error.status === 401) {
        this.#emit('tokenRefresh_failure');
        await this.#signedOut();
      }
      throw error;
    }
    if (generation !== this.#generation) throw stale();
    if (data.tokens === undefined) {
      throw new AuthError({ code: 'unexpected_response', message: 'the refresh answered no tokens' });
    }
    const kept = await this.#keepTokens(data.tokens, tokens);
    this.#emit('tokenRefresh');
    return kept;
  }

  // ---- the wire -----------------------------------------------------------------------------

  async #send<T>(call: Call): Promise<Answer<T>> {
    const headers = new Headers({ accept: 'application/json' });
    if (call.body !== undefined) headers.set('content-type', 'application/json');
    const init: RequestInit = { method: call.method, headers };
    if (this.#browser) {
      // Every request that may change state carries it; a page on another site can't.
      if (call.method !== 'GET') headers.set('x-csrf', '1');
      // A session, never tokens, even where a proxy strips Origin and Sec-Fetch-Site.
      if (call.signIn) headers.set('x-token-delivery', 'session');
      init.credentials = this.#credentials;
    } else {
      init.credentials = 'omit';
      const bearer = call.bearer ?? (call.user ? (await this.#freshTokens()).accessToken : undefined);
      if (bearer !== undefined) headers.set('authorization', `Bearer ${bearer}`);
      if (call.signIn) {
        const device = await this.#storage.getItem(DEVICE_KEY);
        if (device !== null) headers.set('device-handle', device);
      }
      if (call.handle !== undefined) headers.set('challenge-handle', call.handle);
    }
    if (call.body !== undefined) init.body = JSON.stringify(call.body);
    const generation = this.#generation;
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(`${this.#endpoint}${call.path}`, init);
      text = await response.text();
    } catch (error) {
      throw new AuthError({ code: 'network_error', message: 'the service could not be reached', underlyingError: error });
    }
    let data: unknown;
    if (text !== '') {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }
    // A 401 to a sign-in that is over (someone signed in or out meanwhile) ends nothing now.
    const current = generation === this.#generation;
    if (!response.ok) {
      const error = problemError(response, data);
      if (call.user && response.status === 401 && current) await this.#signedOut();
      throw error;
    }
    // Every answer but 204 is a JSON object (openapi.yaml); anything else did not come from
    // the service (a proxy's page, say).
    if (response.status === 204 ? text !== '' : typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new AuthError({
        code: 'unexpected_response',
        status: response.status,
        message: `the service answered ${response.status} without the JSON it promises`,
        requestId: response.headers.get('x-request-id') ?? undefined,
      });
    }
    if (call.user && current) this.#known = 'in';
    return { status: response.status, data: data as T, headers: response.headers };
  }
}

function problemError(response: Response, data: unknown): AuthError {
  const retry = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? { retryAfter: retry } : {};
  // The problem repeats it as `request_id`; an answer that is no problem still has the header.
  const requestId = response.headers.get('x-request-id') ?? undefined;
  if (typeof data === 'object' && data !== null && typeof (data as Problem).code === 'string') {
    const problem = data as Problem;
    return new AuthError({
      code: problem.code,
      message: (typeof problem.detail === 'string' && problem.detail) || String(problem.title ?? problem.code),
      status: response.status,
      problem,
      requestId,
      ...retryAfter,
    });
  }
  return new AuthError({
    code: 'unexpected_response',
    message: `the service answered ${response.status} without a problem`,
    status: response.status,
    requestId,
    ...retryAfter,
  });
}

/** The API names the service takes (openapi.yaml, `/api/{name}`). */
const API_NAME = /^[a-z0-9-]{1,32}$/;

/**
 * An `api(name)` path, checked: its leading slashes dropped, and refused (`invalid_path`) when
 * any part of it could lead the URL parser out of the API's base. That is a `.` or `..`
 * segment in any spelling (`%2e`, `%2E`, encoded again), a backslash or an encoded slash
 * (which some servers read as a separator), a control character (which the parser drops,
 * joining what it separated), or the form of another URL (`//host`, `scheme:`).
 */
function apiPath(path: unknown): string {
  const refuse = (why: string): never => {
    throw new AuthError({ code: 'invalid_path', message: `the API path ${JSON.stringify(path)} is refused: ${why}` });
  };
  if (typeof path !== 'string') return refuse('not text');
  // The control characters and backslashes are refused in the query and fragment as well:
  // no API needs them raw, and they are where parsers disagree.
  if (/[\u0000-\u001f\u007f\\]/.test(path)) refuse('a control character or a backslash');
  if (path.startsWith('//')) refuse('it names another host');
  const rest = path.replace(/^\/+/, '');
  const end = rest.search(/[?#]/);
  const part = end < 0 ? rest : rest.slice(0, end);
  // RFC 3986: a first segment with a colon reads as a scheme, so `mailto:x` is a URL of its own.
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(part)) refuse('it is a URL of its own');
  for (const segment of part.split('/')) {
    const decoded = percentDecoded(segment);
    if (decoded === '.' || decoded === '..') refuse('a . or .. segment');
    if (decoded.includes('/') || decoded.includes('\\')) refuse('an encoded slash or backslash');
    if (/[\u0000-\u001f\u007f]/.test(decoded)) refuse('an encoded control character');
  }
  return rest;
}

/**
 * A segment with its percent-escapes decoded, again and again until none is left (so `%252e`
 * counts as `.`), each escape as the character of its byte: enough to find a `.`, a slash, a
 * backslash or a control character, whatever the bytes around them.
 */
function percentDecoded(segment: string): string {
  let text = segment;
  for (let round = 0; round < 8; round += 1) {
    const next = text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === text) break;
    text = next;
  }
  return text;
}

/**
 * Throws `invalid_path` unless `url` resolves to `base` or below it, on the same origin; both
 * resolved against `page` when given.
 */
function assertBelow(url: string, base: string, name: string, page: string | undefined): void {
  let target: URL;
  let root: URL;
  try {
    root = new URL(base, page);
    target = new URL(url, page);
  } catch (error) {
    throw new AuthError({ code: 'api_not_configured', message: `the base URL of the API ${name} is not a URL`, underlyingError: error });
  }
  if (root.search !== '' || root.hash !== '') {
    throw new AuthError({ code: 'api_not_configured', message: `the base URL of the API ${name} has a query or fragment` });
  }
  const prefix = root.pathname.endsWith('/') ? root.pathname : `${root.pathname}/`;
  const below = target.pathname === root.pathname || target.pathname.startsWith(prefix);
  if (target.origin !== root.origin || !below) {
    throw new AuthError({ code: 'invalid_path', message: `the path leads out of the API ${name}'s base` });
  }
}

/** A URL the page may be sent to: `https:` or `http:` only, never `javascript:` or `data:`. */
function webUrl(text: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof text === 'string' ? new URL(text) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new AuthError({
      code: 'unexpected_response',
      message: 'the sign-out answered a logout_url that is no web address; the page stays here',
    });
  }
  return url.href;
}

function isStoredTokens(value: unknown): value is StoredTokens {
  if (typeof value !== 'object' || value === null) return false;
  const tokens = value as Record<string, unknown>;
  return (
    typeof tokens['accessToken'] === 'string' &&
    (tokens['idToken'] === null || typeof tokens['idToken'] === 'string') &&
    (tokens['refreshToken'] === null || typeof tokens['refreshToken'] === 'string') &&
    typeof tokens['expiresAt'] === 'number'
  );
}

// ---- shapes -----------------------------------------------------------------------------------

function delivery(sent: Schemas['CodeDelivery'] | null | undefined): AuthCodeDeliveryDetails {
  const out: AuthCodeDeliveryDetails = {};
  if (sent?.destination != null) out.destination = sent.destination;
  if (sent?.medium != null) out.deliveryMedium = sent.medium as AuthDeliveryMedium;
  return out;
}

function challengeDelivery(parameters: Schemas['ChallengeParameters']): AuthCodeDeliveryDetails {
  const out: AuthCodeDeliveryDetails = {};
  const medium = parameters['CODE_DELIVERY_DELIVERY_MEDIUM'];
  const destination = parameters['CODE_DELIVERY_DESTINATION'];
  if (typeof medium === 'string') out.deliveryMedium = medium as AuthDeliveryMedium;
  if (typeof destination === 'string') out.destination = destination;
  return out;
}

/** A list Cognito sends as JSON text, decoded by the service; its text where it wasn't JSON. */
function list(value: Schemas['DecodedList'] | undefined): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  return value.match(/[A-Za-z_.:]+/g) ?? [];
}

const MFA_TYPES: Record<string, AuthMFAType> = {
  SOFTWARE_TOKEN_MFA: 'TOTP',
  SMS_MFA: 'SMS',
  EMAIL_OTP: 'EMAIL',
};

/** The challenges `confirmSignIn` knows how to answer. */
const KNOWN_CHALLENGES: ReadonlySet<string> = new Set<ChallengeName>([
  'NEW_PASSWORD_REQUIRED',
  'SOFTWARE_TOKEN_MFA',
  'SMS_MFA',
  'SMS_OTP',
  'EMAIL_OTP',
  'SELECT_MFA_TYPE',
  'MFA_SETUP',
  'CUSTOM_CHALLENGE',
  'SELECT_CHALLENGE',
  'WEB_AUTHN',
]);

function mfaTypes(value: Schemas['DecodedList'] | undefined): AuthMFAType[] {
  return list(value).flatMap((name) => {
    // The names come from the service: only the table's own entries count (not `constructor`).
    const type = Object.hasOwn(MFA_TYPES, name) ? MFA_TYPES[name] : undefined;
    return type === undefined ? [] : [type];
  });
}

function mfaChallengeName(type: string): string {
  for (const [name, amplify] of Object.entries(MFA_TYPES)) {
    if (amplify === type) return name;
  }
  return type;
}

function totpSetupDetails(secret: string, otpauthUri: string): AuthTOTPSetupDetails {
  // The service labels the key with the user's name; Amplify's default account name is too.
  const label = /^otpauth:\/\/totp\/[^?]*?:([^?]*)/.exec(otpauthUri)?.[1];
  let username = '';
  if (label !== undefined) {
    try {
      username = decodeURIComponent(label);
    } catch {
      // Not valid percent-encoding: the label as it came.
      username = label;
    }
  }
  return {
    sharedSecret: secret,
    // Each part percent-encoded (Google's key URI format), so a `:`, `?`, `&` or `#` in a name
    // stays inside it; `@` stays readable, as authenticator apps show it.
    getSetupUri: (appName, accountName) =>
      new URL(
        `otpauth://totp/${uriPart(appName)}:${uriPart(accountName ?? username)}` +
          `?secret=${uriPart(secret)}&issuer=${uriPart(appName)}`,
      ),
  };
}

/** Text percent-encoded for the key URI; a lone surrogate (no character) becomes U+FFFD. */
function uriPart(text: unknown): string {
  const wellFormed = String(text ?? '').replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
  return encodeURIComponent(wellFormed).replace(/%40/g, '@');
}

/** Attributes for the service: strings pass as they are, typed values too. */
function attributes(input: UserAttributes): Schemas['Attributes'] {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value !== undefined) out[name] = value;
  }
  return out as Schemas['Attributes'];
}

const CREDENTIAL_ID = /^[A-Za-z0-9_-]{2,1364}$/;

/** Oldest first; passkeys added in the same second by their ids. */
function byAge(a: { created_at: number; id: string }, b: { created_at: number; id: string }): number {
  return a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A `nextToken` this client made (`created_at.id` of the page's last passkey), or null. */
function pageMark(token: string): { created_at: number; id: string } | null {
  const dot = token.indexOf('.');
  const created = token.slice(0, dot);
  const id = token.slice(dot + 1);
  if (dot < 1 || !/^[0-9]{1,15}$/.test(created) || !CREDENTIAL_ID.test(id)) return null;
  return { created_at: Number(created), id };
}

function seconds(value: number): Date {
  return new Date(value * 1000);
}

function browserSession(view: Schemas['SessionView']): BrowserSession {
  return {
    user: {
      sub: view.user.sub,
      username: view.user.username,
      groups: view.user.groups,
      attributes: view.user.attributes as Record<string, unknown>,
    },
    authTime: seconds(view.auth_time),
    amr: view.amr,
    createdAt: seconds(view.created_at),
    expiresAt: seconds(view.expires_at),
    idleExpiresAt: seconds(view.idle_expires_at),
  };
}

