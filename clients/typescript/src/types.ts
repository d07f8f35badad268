// The shapes Amplify Auth v6 (aws-amplify/auth) gives its callers, so an app's `nextStep`
// switch and its reads of the results keep working. Names follow Amplify's types.

export type AuthDeliveryMedium = 'EMAIL' | 'SMS' | 'PHONE' | 'UNKNOWN';

export interface AuthCodeDeliveryDetails {
  destination?: string;
  deliveryMedium?: AuthDeliveryMedium;
  attributeName?: string;
}

export type AuthMFAType = 'SMS' | 'TOTP' | 'EMAIL';

/** The first factors of choice-based sign-in (`preferredChallenge`). */
export type AuthFactorType = 'WEB_AUTHN' | 'EMAIL_OTP' | 'SMS_OTP' | 'PASSWORD' | 'PASSWORD_SRP';

export interface AuthTOTPSetupDetails {
  sharedSecret: string;
  getSetupUri(appName: string, accountName?: string): URL;
}

export type AuthNextSignInStep =
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE'; additionalInfo?: Record<string, string> }
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION'; allowedMFATypes?: AuthMFAType[] }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED'; missingAttributes?: string[] }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_SMS_CODE'; codeDeliveryDetails?: AuthCodeDeliveryDetails }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE'; codeDeliveryDetails?: AuthCodeDeliveryDetails }
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP'; totpSetupDetails: AuthTOTPSetupDetails }
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP' }
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION'; allowedMFATypes?: AuthMFAType[] }
  | {
      signInStep: 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION';
      availableChallenges?: AuthFactorType[];
    }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_PASSWORD' }
  | { signInStep: 'CONFIRM_SIGN_UP' }
  | { signInStep: 'RESET_PASSWORD' }
  | { signInStep: 'DONE' };

export interface SignInOutput {
  isSignedIn: boolean;
  nextStep: AuthNextSignInStep;
}
export type ConfirmSignInOutput = SignInOutput;

export type AuthNextSignUpStep =
  | { signUpStep: 'CONFIRM_SIGN_UP'; codeDeliveryDetails: AuthCodeDeliveryDetails }
  | { signUpStep: 'COMPLETE_AUTO_SIGN_IN'; codeDeliveryDetails?: AuthCodeDeliveryDetails }
  | { signUpStep: 'DONE' };

export interface SignUpOutput {
  isSignUpComplete: boolean;
  userId?: string;
  nextStep: AuthNextSignUpStep;
}
export type ConfirmSignUpOutput = SignUpOutput;

export type ResendSignUpCodeOutput = AuthCodeDeliveryDetails;

export interface ResetPasswordOutput {
  isPasswordReset: boolean;
  nextStep: {
    resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE' | 'DONE';
    additionalInfo?: Record<string, string>;
    codeDeliveryDetails: AuthCodeDeliveryDetails;
  };
}

export interface AuthUpdateUserAttributeOutput {
  isUpdated: boolean;
  nextStep: {
    updateAttributeStep: 'CONFIRM_ATTRIBUTE_WITH_CODE' | 'DONE';
    codeDeliveryDetails?: AuthCodeDeliveryDetails;
  };
}
export type UpdateUserAttributesOutput = Record<string, AuthUpdateUserAttributeOutput>;

/** The user's attributes as Cognito stores them: every value a string, as Amplify gives them. */
export type FetchUserAttributesOutput = Partial<Record<string, string>>;

export interface FetchMFAPreferenceOutput {
  enabled?: AuthMFAType[];
  preferred?: AuthMFAType;
}

export type MFAPreference = 'ENABLED' | 'DISABLED' | 'PREFERRED' | 'NOT_PREFERRED';

export interface UpdateMFAPreferenceInput {
  sms?: MFAPreference;
  totp?: MFAPreference;
  email?: MFAPreference;
}

export interface AuthUser {
  username: string;
  userId: string;
  signInDetails?: { loginId?: string; authFlowType?: string };
}
export type GetCurrentUserOutput = AuthUser;

export type JwtPayload = Record<string, unknown> & {
  sub?: string;
  exp?: number;
  iat?: number;
  auth_time?: number;
};

/** A token as Amplify hands it out: its decoded payload, and the token itself by `toString()`. */
export interface JWT {
  payload: JwtPayload;
  toString(): string;
}

export interface AuthTokens {
  accessToken: JWT;
  idToken?: JWT;
}

/** A browser session as the page may know it (`GET /session`). It holds no token. */
export interface BrowserSession {
  user: {
    sub: string;
    username: string;
    groups: string[];
    attributes: Record<string, unknown>;
  };
  /** When the user last proved who they are. */
  authTime: Date;
  /** How (RFC 8176 names: `pwd`, `otp`, `sms`, `hwk`, `mfa`; `fed`, `hosted`). */
  amr: string[];
  createdAt: Date;
  /** When it ends however busy it is. */
  expiresAt: Date;
  /** When it ends if left unused from now. */
  idleExpiresAt: Date;
}

/**
 * Amplify's `AuthSession`. In a browser `tokens` is always absent: the service keeps them, and
 * `session` says what the page may know. In native mode `tokens` are the app's own.
 */
export interface AuthSession {
  tokens?: AuthTokens;
  userSub?: string;
  session?: BrowserSession;
}

export interface FetchAuthSessionOptions {
  forceRefresh?: boolean;
}

/** One of the user's browser sessions (`GET /sessions`). */
export interface SessionInfo {
  /** Names the session for `endSession`; not its cookie. */
  id: string;
  /** The session this client is using. */
  current: boolean;
  /** A readable device, such as `Chrome on Android`. */
  device: string;
  userAgent: string;
  ip: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export type AuthHubEvent = 'signedIn' | 'signedOut' | 'tokenRefresh' | 'tokenRefresh_failure';

export interface AuthHubCapsule {
  channel: 'auth';
  payload: { event: AuthHubEvent; message?: string };
}

export type AuthHubCallback = (capsule: AuthHubCapsule) => void;

export type ClientMetadata = Record<string, string>;

/** User attributes as an app sends them: strings as in Amplify, or the service's typed values. */
export type UserAttributes = Record<string, string | number | boolean | undefined>;

export interface SignInInput {
  username: string;
  password?: string;
  options?: {
    /** Choice-based sign-in (COGNITO_AUTH_FLOW=USER_AUTH): the first factor wanted. */
    preferredChallenge?: AuthFactorType;
    clientMetadata?: ClientMetadata;
    /** Where the pool tracks devices: remember this one once signed in. */
    rememberDevice?: boolean;
  };
}

export interface ConfirmSignInInput {
  challengeResponse: string;
  options?: {
    /** Answers to `missingAttributes` of a new-password step. */
    userAttributes?: UserAttributes;
    clientMetadata?: ClientMetadata;
    rememberDevice?: boolean;
  };
}

export interface SignUpInput {
  username: string;
  password?: string;
  options?: {
    userAttributes?: UserAttributes;
    clientMetadata?: ClientMetadata;
    /** Accepted for Amplify's sake; the service decides whether a sign-in follows. */
    autoSignIn?: boolean | object;
  };
}

export interface ConfirmSignUpInput {
  username: string;
  confirmationCode: string;
  options?: { clientMetadata?: ClientMetadata };
}

export interface ResendSignUpCodeInput {
  username: string;
  options?: { clientMetadata?: ClientMetadata };
}

export interface ResetPasswordInput {
  username: string;
  options?: { clientMetadata?: ClientMetadata };
}

export interface ConfirmResetPasswordInput {
  username: string;
  confirmationCode: string;
  newPassword: string;
  options?: { clientMetadata?: ClientMetadata };
}

export interface UpdatePasswordInput {
  oldPassword: string;
  newPassword: string;
}

export interface UpdateUserAttributesInput {
  userAttributes: UserAttributes;
}

export interface VerifyTOTPSetupInput {
  code: string;
}

export interface SignOutInput {
  global?: boolean;
}

export interface EndSessionInput {
  id: string;
}

/** A passkey of the user's, as Amplify's `AuthWebAuthnCredential`. */
export interface AuthWebAuthnCredential {
  credentialId: string;
  friendlyCredentialName: string;
  relyingPartyId: string;
  /** `platform` or `cross-platform`, when the browser told. */
  authenticatorAttachment?: string;
  authenticatorTransports: string[];
  createdAt: Date;
}

export interface ListWebAuthnCredentialsInput {
  pageSize?: number;
  nextToken?: string;
}

export interface ListWebAuthnCredentialsOutput {
  credentials: AuthWebAuthnCredential[];
  nextToken?: string;
}

export interface DeleteWebAuthnCredentialInput {
  credentialId: string;
}
