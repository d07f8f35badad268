import type { components } from './generated/openapi.js';

/** The service's problem+json body (RFC 9457), as openapi.yaml's `Problem` schema has it. */
export type Problem = components['schemas']['Problem'];

/** A problem's `code`, or one of the client's own for failures that are no problem of the service's. */
export type AuthErrorCode =
  | components['schemas']['ErrorCode']
  | 'network_error'
  | 'unexpected_response'
  | 'no_sign_in_in_progress'
  | 'invalid_challenge_response'
  | 'not_supported'
  | 'api_not_configured'
  | 'invalid_api_name'
  | 'invalid_path'
  | 'invalid_session_id'
  | 'invalid_input'
  | 'invalid_config'
  | 'unknown_next_step'
  | 'malformed_token'
  | 'session_changed'
  | 'passkey_failed';

/**
 * Amplify's names for the same failures (`error.name`), so an app's existing
 * `switch (error.name)` keeps working. Codes without a counterpart are named `AuthError`.
 */
const AMPLIFY_NAMES: Partial<Record<string, string>> = {
  invalid_credentials: 'NotAuthorizedException',
  incorrect_password: 'NotAuthorizedException',
  not_authorized: 'NotAuthorizedException',
  challenge_expired: 'NotAuthorizedException',
  user_not_confirmed: 'UserNotConfirmedException',
  password_reset_required: 'PasswordResetRequiredException',
  user_not_found: 'UserNotFoundException',
  username_exists: 'UsernameExistsException',
  alias_exists: 'AliasExistsException',
  invalid_password: 'InvalidPasswordException',
  invalid_parameter: 'InvalidParameterException',
  code_mismatch: 'CodeMismatchException',
  code_expired: 'ExpiredCodeException',
  too_many_requests: 'TooManyRequestsException',
  no_session: 'UserUnAuthenticatedException',
  missing_token: 'UserUnAuthenticatedException',
  invalid_token: 'UserUnAuthenticatedException',
  invalid_refresh_token: 'UserUnAuthenticatedException',
  network_error: 'NetworkError',
};

export interface AuthErrorInit {
  code: AuthErrorCode | string;
  message: string;
  status?: number;
  problem?: Problem;
  retryAfter?: number;
  underlyingError?: unknown;
  /** The answer's `x-request-id`, for when the problem carries no `request_id`. */
  requestId?: string | undefined;
}

/**
 * What the client throws: the service's problem (its `code`, `field`, `attribute`,
 * `next_step`, `request_id`) and the HTTP `status`, or one of the client's own codes, with
 * `status` 0 when no answer came. What the app's own `storage` and `getPasskeyCredential` or `createPasskeyCredential`
 * throw passes through unwrapped.
 */
export class AuthError extends Error {
  /** The problem's stable `code`: switch on it. */
  readonly code: string;
  /** The HTTP status; 0 when the service never answered. */
  readonly status: number;
  /** With `invalid_request`: the request field at fault (`username`, `responses.TOTP_CODE`). */
  readonly field: string | undefined;
  /** With `invalid_attribute` and `attribute_not_writable`: the attribute at fault. */
  readonly attribute: string | undefined;
  /** `CONFIRM_SIGN_UP`, `RESET_PASSWORD` or `SIGN_IN`, where the problem names the next step. */
  readonly next_step: Problem['next_step'];
  /**
   * The request's id, to find it in the service's logs: the problem's `request_id`, or the
   * answer's `x-request-id` header when the body has none (an answer that is no problem).
   */
  readonly request_id: string | undefined;
  /** Seconds to wait before trying again, from `Retry-After`. */
  readonly retryAfter: number | undefined;
  /** The whole problem, as the service sent it. */
  readonly problem: Problem | undefined;
  readonly underlyingError: unknown;

  constructor(init: AuthErrorInit) {
    super(init.message);
    // The code comes from the service: only the table's own entries count, never what every
    // object inherits (`constructor`, `toString`).
    this.name = (Object.hasOwn(AMPLIFY_NAMES, init.code) ? AMPLIFY_NAMES[init.code] : undefined) ?? 'AuthError';
    this.code = init.code;
    this.status = init.status ?? 0;
    this.problem = init.problem;
    this.field = init.problem?.field;
    this.attribute = init.problem?.attribute;
    this.next_step = init.problem?.next_step;
    this.request_id = init.problem?.request_id ?? init.requestId;
    this.retryAfter = init.retryAfter;
    this.underlyingError = init.underlyingError;
  }
}

/** Whether `value` is an AuthError carrying `code`. */
export function isAuthError(value: unknown, code?: string): value is AuthError {
  return value instanceof AuthError && (code === undefined || value.code === code);
}
