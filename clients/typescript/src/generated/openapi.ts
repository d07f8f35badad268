// Generated from openapi.yaml by openapi-typescript (npm run generate). Do not edit.

export interface paths {
    "/signup": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register a user (Cognito SignUp)
         * @description Creates the user in the pool. Unless the pool confirms users automatically, Cognito
         *     sends a confirmation code and the answer's `next_step` is `CONFIRM_SIGN_UP`.
         *
         *     The checks happen in this order: the per-IP limit, the body, `username`,
         *     `password`, `attributes` (their form, then WRITABLE_ATTRIBUTES), the username's
         *     budget of code-sending requests. Then Cognito is called.
         */
        post: operations["signUp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/signup/confirm": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm a sign-up with the code Cognito sent (Cognito ConfirmSignUp)
         * @description The checks happen in this order: the per-IP limit, the body, `username`, `code`,
         *     the username's failure budget. Then Cognito is called; a refused code is charged to
         *     that budget.
         *
         *     Cognito answers an unknown user with `404 user_not_found`. If the pool has
         *     "prevent user existence errors" turned on, Cognito hides that itself.
         */
        post: operations["confirmSignUp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/signup/auto-sign-in": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
                /**
                 * @description `session`: the sign-in ends in a browser session (an HttpOnly cookie, never a token),
                 *     whatever TOKEN_DELIVERY and the browser's `Origin` and `Sec-Fetch-Site` say (some CDNs
                 *     strip both). A request can ask for a session, never for tokens: any other value gets
                 *     `400 invalid_request` with `field: x-token-delivery`. The sign-in pages always send it.
                 */
                "x-token-delivery"?: components["parameters"]["XTokenDelivery"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finish the sign-in a confirmed sign-up earned (Cognito InitiateAuth USER_AUTH with ConfirmSignUp's Session)
         * @description After `/signup/confirm` answered `next_step: COMPLETE_AUTO_SIGN_IN`, this spends the
         *     Session Cognito gave with the confirmation, which the service kept behind the
         *     challenge cookie (a browser) or `Challenge-Handle` (an app). Answered like
         *     `/challenge`: signed in, or the next challenge. Used once; used, expired or missing,
         *     the answer is `401 challenge_expired`, and the user signs in as usual. The same origin
         *     rule as `/challenge` applies.
         */
        post: operations["autoSignIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/signup/resend": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the confirmation code again (Cognito ResendConfirmationCode)
         * @description The checks happen in this order: the per-IP limit, the body, `username`, the
         *     username's budget of code-sending requests. Then Cognito is called.
         */
        post: operations["resendConfirmationCode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/login": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
                /**
                 * @description `session`: the sign-in ends in a browser session (an HttpOnly cookie, never a token),
                 *     whatever TOKEN_DELIVERY and the browser's `Origin` and `Sec-Fetch-Site` say (some CDNs
                 *     strip both). A request can ask for a session, never for tokens: any other value gets
                 *     `400 invalid_request` with `field: x-token-delivery`. The sign-in pages always send it.
                 */
                "x-token-delivery"?: components["parameters"]["XTokenDelivery"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with a password, or by choice with a code or a passkey (Cognito InitiateAuth)
         * @description The answer is either signed in (`status: authenticated`, `next_step: DONE`) or a
         *     challenge to answer at `POST /challenge` (`status: challenge`, with `next_step` naming
         *     the client's step). A challenge answer sets the challenge cookie, and to a client that
         *     is not a browser also returns its id as the `Challenge-Handle` header. Signed in
         *     clears a challenge cookie that the request still carried from an earlier attempt.
         *     Both answers have `Cache-Control: no-store`.
         *
         *     Signed in means tokens in the body for an app, and for a browser a session: the
         *     session cookie and a description of the user, never a token (TOKEN_DELIVERY; see
         *     `Authenticated`). A browser that already had a session gets a new one under a new id,
         *     and the old one ends.
         *
         *     With COGNITO_AUTH_FLOW=USER_PASSWORD_AUTH (the default) the password goes to Cognito.
         *     With COGNITO_AUTH_FLOW=USER_SRP_AUTH the server runs SRP-6a as Cognito defines it
         *     (3072-bit group, HKDF "Caldera Derived Key", an HMAC signature over the pool name, the
         *     user's SRP id, the secret block and a timestamp) and answers `PASSWORD_VERIFIER`
         *     itself, so only a proof of the password reaches Cognito. The client sees the same
         *     answers either way. The 3072-bit exponentiations run on the server's blocking thread
         *     pool. The big-number arithmetic (`num-bigint`) is not constant-time, so the service
         *     should run on hosts you trust; from outside, its timing is swamped by the Cognito
         *     round trips. With SRP, a wrong password costs two Cognito calls (InitiateAuth, then
         *     RespondToAuthChallenge) and an unknown user one, so LOGIN_FAILURE_FLOOR_MS must cover
         *     two round trips; the 500 ms default does at Cognito's usual latency.
         *
         *     A challenge the service doesn't carry (for example `DEVICE_SRP_AUTH`) gets
         *     `502 unsupported_challenge`, and nothing is stored.
         *
         *     A wrong password and an unknown user get the same `401 invalid_credentials`. That
         *     answer takes at least LOGIN_FAILURE_FLOOR_MS (default 500 ms), so neither the answer
         *     nor its timing tells whether an account exists.
         *
         *     `403 user_not_confirmed` and `403 password_reset_required` name the client's next
         *     step, and so show that the account exists, as `409 username_exists` at `/signup`
         *     does anyway. They wait out the same floor, so their timing adds nothing.
         *
         *     With COGNITO_AUTH_FLOW=USER_AUTH (choice-based sign-in), `password` is optional and
         *     `preferred_challenge` names the first factor: `PASSWORD` or `PASSWORD_SRP` (with the
         *     password), `EMAIL_OTP` or `SMS_OTP` (Cognito sends a code; this also costs one of the
         *     username's code-sending budget), or `WEB_AUTHN` (a passkey). With neither, the answer
         *     is `CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION` with `available_challenges`. See
         *     docs/api.md, "Choice-based sign-in".
         *
         *     The checks happen in this order: the per-IP limit, the body, `username`,
         *     `password`, `preferred_challenge` against the flow, the username's failure budget
         *     (for this client address, then for all), and for a code its code-sending budget.
         *     Then Cognito is called; `invalid_credentials` is charged to that budget, and a
         *     correct password never is.
         *
         *     The app client must allow `ALLOW_USER_PASSWORD_AUTH` (or `ALLOW_USER_SRP_AUTH` with
         *     USER_SRP_AUTH). Otherwise Cognito refuses with `400 invalid_parameter`.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/challenge": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
                /**
                 * @description `session`: the sign-in ends in a browser session (an HttpOnly cookie, never a token),
                 *     whatever TOKEN_DELIVERY and the browser's `Origin` and `Sec-Fetch-Site` say (some CDNs
                 *     strip both). A request can ask for a session, never for tokens: any other value gets
                 *     `400 invalid_request` with `field: x-token-delivery`. The sign-in pages always send it.
                 */
                "x-token-delivery"?: components["parameters"]["XTokenDelivery"];
                /**
                 * @description The pending challenge's id, for a client without a cookie jar: what the
                 *     `Challenge-Handle` header of the previous answer held. When present it is used instead
                 *     of the cookie. Browsers never receive it.
                 */
                "challenge-handle"?: components["parameters"]["ChallengeHandle"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer the pending challenge (Cognito RespondToAuthChallenge)
         * @description The challenge is identified by the challenge cookie set by `/login`,
         *     `/challenge/totp` or a previous `/challenge`. The server adds `USERNAME` and
         *     `SECRET_HASH` to the answers and sends Cognito the stored `Session`. Client-supplied
         *     values for those two keys are replaced or dropped. `ChallengeRequest` lists the
         *     `responses` each challenge takes.
         *
         *     `MFA_SETUP` is answered with `{"TOTP_CODE": "<first code>"}` after
         *     `POST /challenge/totp` has handed out the secret. The server checks the code with
         *     Cognito VerifySoftwareToken under the stored session, then answers `MFA_SETUP` with
         *     RespondToAuthChallenge under the session that returns. A wrong code is
         *     `400 code_mismatch`, a failed attempt like any other. A `TOTP_CODE` must be exactly 6
         *     digits: anything else gets `400 invalid_request` (`field: responses.TOTP_CODE`) before
         *     the challenge is claimed, so it counts no attempt and Cognito is not called.
         *
         *     A challenge the service doesn't carry (for example `DEVICE_SRP_AUTH`) gets
         *     `502 unsupported_challenge`. The answered challenge is consumed, nothing new is
         *     stored, and the cookie is cleared.
         *
         *     A challenge is single-use, and at most one request can answer it at a time (a second
         *     request at the same time gets `409 challenge_in_progress`).
         *     * A correct answer consumes it. The next step is tokens (the cookie is cleared) or
         *       another challenge (a new cookie is set).
         *     * A wrong answer (`invalid_password`, `invalid_parameter`, `code_mismatch`,
         *       `code_expired`) counts as a failed attempt, and the same cookie can be used again.
         *       The fifth failed attempt deletes the challenge and clears the cookie.
         *     * `409 challenge_mismatch`, and failures where Cognito never judged the answer, leave
         *       the challenge as it was. Those failures are throttling or limits (`429`), an unmapped
         *       error (`502 cognito_error`), an unreachable Cognito (`503`), a timeout (`504`) and
         *       `409 username_exists` or `alias_exists`.
         *     * A dead session (`401 challenge_expired`; Cognito's "not authorized" for a challenge
         *       is a dead session), `user_not_found`, `user_not_confirmed`,
         *       `password_reset_required` and Cognito's "too many failed attempts" (`429`) delete
         *       it and clear the cookie.
         *     * A challenge stored under an encryption key this replica doesn't have (replicas with
         *       different SESSION_ENCRYPTION_KEY, or a key rotation under way) is left as it was for
         *       a replica that has the key: `503 challenge_unavailable` with `Retry-After`. It
         *       doesn't count as an attempt; try again.
         *
         *     Whenever a refusal ends the challenge, the response clears the cookie
         *     (`Set-Cookie` with `Max-Age=0`) if the request carried a well-formed one. A refusal
         *     that leaves the challenge usable keeps the cookie.
         *
         *     The checks happen in this order: the per-IP limit, the body, the `Origin` header,
         *     `responses` (including the form of `TOTP_CODE`), the cookie, then the stored
         *     challenge. A request without a usable cookie gets `401 challenge_expired`.
         */
        post: operations["respondToChallenge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/challenge/totp": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `session`: the sign-in ends in a browser session (an HttpOnly cookie, never a token),
                 *     whatever TOKEN_DELIVERY and the browser's `Origin` and `Sec-Fetch-Site` say (some CDNs
                 *     strip both). A request can ask for a session, never for tokens: any other value gets
                 *     `400 invalid_request` with `field: x-token-delivery`. The sign-in pages always send it.
                 */
                "x-token-delivery"?: components["parameters"]["XTokenDelivery"];
                /**
                 * @description The pending challenge's id, for a client without a cookie jar: what the
                 *     `Challenge-Handle` header of the previous answer held. When present it is used instead
                 *     of the cookie. Browsers never receive it.
                 */
                "challenge-handle"?: components["parameters"]["ChallengeHandle"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a TOTP secret for a pending MFA_SETUP challenge (Cognito AssociateSoftwareToken)
         * @description For a pending `MFA_SETUP` (`next_step: CONTINUE_SIGN_IN_WITH_TOTP_SETUP`), which
         *     Cognito asks for when the pool requires MFA and the user has none yet. The request
         *     has no body; one that is sent is ignored.
         *
         *     The server calls AssociateSoftwareToken with the challenge's stored session and
         *     answers with the shared `secret` and an `otpauth_uri` for authenticator apps
         *     (`otpauth://totp/<issuer>:<name>?secret=<secret>&issuer=<issuer>`, where `<issuer>`
         *     is TOTP_ISSUER and `<name>` is the name typed at `/login`, both percent-encoded; unlike
         *     `/mfa/totp/setup`, which uses the access token's `username`), together with the same
         *     `MFA_SETUP` step. Cognito hands out a new session, so the challenge moves, in one
         *     transaction, to a new id with that session: the response sets a fresh cookie, and the
         *     request's cookie no longer works. The count of failed attempts carries over. The
         *     client then answers `MFA_SETUP` at `POST /challenge` with
         *     `{"TOTP_CODE": "<first code>"}` (exactly 6 digits).
         *
         *     Any other pending challenge gets `409 challenge_mismatch` and stays usable. Failures
         *     settle the challenge as at `POST /challenge`: a wrong-answer verdict counts as a
         *     failed attempt (the fifth ends it), a dead session or a user Cognito refuses deletes
         *     it, and a failure where Cognito never judged the request leaves it as it was. A
         *     refusal that ends the challenge clears the cookie.
         *
         *     The checks happen in this order: the per-IP limit, the `Origin` header, the cookie,
         *     then the stored challenge. A request without a usable cookie gets
         *     `401 challenge_expired`. The answer has `Cache-Control: no-store`: the secret is shown
         *     once.
         */
        post: operations["startTotpSetup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/token/refresh": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `session`: the sign-in ends in a browser session (an HttpOnly cookie, never a token),
                 *     whatever TOKEN_DELIVERY and the browser's `Origin` and `Sec-Fetch-Site` say (some CDNs
                 *     strip both). A request can ask for a session, never for tokens: any other value gets
                 *     `400 invalid_request` with `field: x-token-delivery`. The sign-in pages always send it.
                 */
                "x-token-delivery"?: components["parameters"]["XTokenDelivery"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * New tokens for a refresh token (Cognito GetTokensFromRefreshToken)
         * @description The service asks Cognito with GetTokensFromRefreshToken, which works whether or not
         *     the app client rotates refresh tokens, and sends the client secret itself: no
         *     username is needed, and one sent (`username`, which a refresh once needed) is
         *     ignored.
         *
         *     **Refresh-token rotation.** When the app client has `RefreshTokenRotation` enabled,
         *     the answer's `tokens.refresh_token` is a **new** refresh token, and the one sent stops
         *     working after the client's `RetryGracePeriodSeconds` (0 to 60). Store the new refresh
         *     token before using the new access token: a crash in between would leave the app with
         *     a token Cognito no longer takes. Within the grace period the old token may be sent
         *     again (a retry after a lost answer); after it, the old token gets
         *     `401 invalid_refresh_token`, like any dead one. Without rotation
         *     `tokens.refresh_token` is null and the refresh token lives on.
         *
         *     Tokens are refused if they descend from a sign-in that was signed out at `/logout`
         *     (by access token, within REFRESH_TOKEN_VALIDITY_DAYS): Cognito would still honour the
         *     refresh token, so the service answers `401 invalid_refresh_token` instead of handing
         *     out the new tokens.
         *
         *     The checks happen in this order: the per-IP limit, the body, `refresh_token` (no
         *     per-username limit: a refresh token can't be guessed, and nothing here names a user).
         *     Then Cognito.
         *
         *     The answer (`next_step: DONE`) has `Cache-Control: no-store`. A browser
         *     (TOKEN_DELIVERY, see `Authenticated`) that sends a refresh token trades it for a
         *     session instead: the session cookie, and no token in the answer.
         *
         *     **With the session cookie** and no `refresh_token`: the session's tokens are refreshed
         *     now, and the answer describes the session (`session`, never a token). `X-CSRF: 1` is
         *     required. Nobody needs to call this to keep a session alive: the service refreshes
         *     the tokens itself before they expire.
         */
        post: operations["refreshTokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/logout": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out this device, or everywhere
         * @description Send the access token as `Authorization: Bearer`, the refresh token in the body, or
         *     both. The whole request is checked before anything is revoked: a malformed body or
         *     `refresh_token` gets `400 invalid_request` and changes nothing.
         *
         *     **This device** (`everywhere` false or absent). An expired or already signed-out
         *     access token is fine here: every other check applies.
         *     * With an access token: every token of that sign-in (same `origin_jti`, or the
         *       token's `jti`) is refused from now on, on every replica (`401 invalid_token`). The
         *       refusal lasts REFRESH_TOKEN_VALIDITY_DAYS (default 30), or until the access token
         *       expires if that is later, and `/token/refresh` refuses tokens that descend from
         *       the sign-in (`401 invalid_refresh_token`) for as long. This is recorded before
         *       Cognito is called.
         *     * With a refresh token: when the service handed it out, its sign-in is refused at
         *       once on every replica, as with the access token. Then Cognito RevokeToken revokes
         *       it; once it has, the refusal need only last 24 hours. If Cognito refuses (for
         *       example the token is unknown, or revocation is off for the app client), the answer
         *       is still 204 and the refusal keeps its full length. If Cognito can't be reached, is
         *       throttling or times out, the answer is an error, but the local revocation still
         *       holds.
         *     * A user with 32 revoked sign-ins already on the list is signed out everywhere
         *       instead (AdminUserGlobalSignOut), which one entry covers.
         *     * With neither: `400 invalid_request` with `field: refresh_token`.
         *
         *     **Everywhere** (`everywhere: true`): needs a live access token, one that passes every
         *     check including expiry and sign-out, because Cognito GlobalSignOut needs one
         *     (`401 missing_token` without it, `401 invalid_token` for an expired or signed-out
         *     one; nothing is recorded then). Every token of the user issued before now is refused
         *     on every replica, for the next 24 hours. Then Cognito GlobalSignOut ends all the
         *     user's refresh tokens; if Cognito no longer takes the token, AdminUserGlobalSignOut
         *     does instead, and the answer is 204 either way. If Cognito can't be reached, the
         *     answer is an error, but the local refusal still holds. It is not counted against
         *     RATE_LIMIT_PER_USER.
         *
         *     **A browser session** (the session cookie, and neither a bearer token nor
         *     `refresh_token`): the session ends. Cognito RevokeToken ends its refresh token, its
         *     access tokens are refused at once on every replica, the row is deleted and the cookie
         *     cleared. With `everywhere: true` the user is signed out everywhere as above, every
         *     browser session of theirs included. `X-CSRF: 1` is required. A cookie that names no
         *     live session still gets 204 and is cleared; with `everywhere: true` it gets
         *     `401 no_session` (and is cleared), since nobody was signed out.
         *
         *     **A federated browser session** (one `/oauth/callback` started) is ended the same
         *     way, and the answer is `200` with `logout_url`: the page sends the browser there
         *     (`location.assign`), to the pool's `/logout`, which ends managed login's own session
         *     and sends the browser on to OAUTH_LOGOUT_URL. Without it, the next "Sign in with
         *     Google" would sign the same user in again without asking. It does not sign the user
         *     out of the identity provider itself.
         *
         *     The body can be empty, with any content type. The per-IP limit applies.
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/start": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * Begin a sign-in through an identity provider at the pool's managed login
         * @description A browser navigates here (a link or a button; not `fetch`). The service keeps a record
         *     of the sign-in on the server (a random `state`, PKCE's `code_verifier`, a `nonce`,
         *     `return_to`; ten minutes, used once), sets a short-lived cookie naming it and sends the
         *     browser to `{COGNITO_DOMAIN}/oauth2/authorize` with `response_type=code`, `client_id`,
         *     `redirect_uri` (OAUTH_REDIRECT_URL), `scope` (OAUTH_SCOPES), `state`, `nonce`,
         *     `code_challenge` (S256), `code_challenge_method=S256` and `identity_provider`.
         *
         *     A refusal is a small HTML page for a request that accepts `text/html` (a browser's
         *     navigation) and problem+json otherwise, with the same status and `code`. Off (404)
         *     unless COGNITO_DOMAIN is set. The per-IP limit applies.
         */
        get: operations["federatedStart"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/callback": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * The pool's answer to a federated sign-in (OAUTH_REDIRECT_URL)
         * @description The pool's domain sends the browser here. The record the flow's cookie names is
         *     claimed (whatever follows, it is gone: a second callback finds nothing) and `state`
         *     must be its own; otherwise `400 oauth_state_invalid`. An `error` from the provider is
         *     answered in this service's words (`403 oauth_access_denied` for `access_denied`,
         *     `502 oauth_provider_error` for any other); `error_description` is never shown.
         *
         *     Then the code is traded at `{COGNITO_DOMAIN}/oauth2/token` (`grant_type=authorization_code`,
         *     `code`, `redirect_uri`, `code_verifier`; the client id and secret as HTTP Basic), in at
         *     most COGNITO_TIMEOUT_SECONDS and 64 KiB. The ID token must carry the pool's signature
         *     (COGNITO_JWKS_URL), `iss` (COGNITO_ISSUER), `aud` equal to COGNITO_CLIENT_ID, the
         *     flow's `nonce`, and be unexpired; the access token must pass the checks every route
         *     makes, for the same user. Then the browser gets a new session, as after `/login`
         *     (never a token), and a page that goes on to `return_to`.
         *
         *     Every answer clears the flow's cookie and has `Referrer-Policy: no-referrer`. A
         *     refusal is an HTML page for a request that accepts `text/html`, problem+json
         *     otherwise; nothing is stored. Off (404) unless COGNITO_DOMAIN is set. The per-IP
         *     limit applies.
         */
        get: operations["federatedCallback"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/session": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user of this browser session
         * @description Answers from the session cookie alone (a bearer token is not looked at): the user, as
         *     the ID token states them, how and when they signed in, and when the session ends. No
         *     token is ever in the answer. Reading it does not restart the idle timer, so a page
         *     that polls it doesn't keep an unattended session alive; `?extend=true` does restart
         *     it. When the access token is about to expire the service refreshes it first, as on
         *     every request made with the cookie.
         *
         *     Without a live session: `401 no_session`, never a redirect.
         */
        get: operations["getSession"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessions": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * The user's live browser sessions
         * @description Every live browser session of the caller's user, the most recently used first. The
         *     one the request is made with (by its cookie) has `current: true`; with a bearer token
         *     none does. Counts against RATE_LIMIT_PER_USER.
         */
        get: operations["listSessions"];
        put?: never;
        post?: never;
        /**
         * Sign out every other browser session
         * @description Ends every browser session of the caller's user except the one the request is made
         *     with: each session's row goes, Cognito RevokeToken ends its refresh token, and its
         *     access tokens are refused at once on every replica. With a bearer token, every
         *     browser session ends. Tokens that apps hold are not touched (`POST /logout` with
         *     `everywhere: true` ends those too).
         */
        delete: operations["endOtherSessions"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessions/{id}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description A session's `id` from `GET /sessions`. */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Sign out one browser session
         * @description Ends one of the caller's browser sessions, as `DELETE /sessions` does. Ending the
         *     session the request is made with also clears its cookie. An id that names none of
         *     the caller's live sessions gets `404 not_found`, whoever's it is.
         */
        delete: operations["endSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/devices": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * The user's devices (Cognito ListDevices)
         * @description Where the user pool tracks devices: the caller's devices, with the one the request
         *     comes from (the browser session's device, or the one `Device-Handle` names) marked
         *     `current`. Empty on a pool that doesn't track devices. Counts against
         *     RATE_LIMIT_PER_USER.
         */
        get: operations["listDevices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/devices/{key}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path: {
                /** @description A device's `key` from `GET /me/devices`. */
                key: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Forget a device (Cognito ForgetDevice)
         * @description The device is no longer remembered, and Cognito refuses refreshes that name it; its
         *     next sign-in is a new device's. Forgetting the device the request comes from also
         *     drops it here and clears a browser's device cookie. A key that names none of the
         *     caller's devices gets `404 not_found`, whoever's it is.
         */
        delete: operations["forgetDevice"];
        options?: never;
        head?: never;
        /**
         * Remember a device, or stop (Cognito UpdateDeviceStatus)
         * @description A remembered device may skip MFA at sign-in, so remembering one needs a recent
         *     sign-in (RECENT_SIGN_IN_SECONDS). A key that names none of the caller's devices gets
         *     `404 not_found`, whoever's it is.
         */
        patch: operations["updateDevice"];
        trace?: never;
    };
    "/me/passkeys": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * The user's passkeys (Cognito ListWebAuthnCredentials)
         * @description The caller's passkeys, oldest first, every relying party's. Counts against
         *     RATE_LIMIT_PER_USER.
         */
        get: operations["listPasskeys"];
        put?: never;
        /**
         * Begin registering a passkey (Cognito StartWebAuthnRegistration)
         * @description The options for the browser's `navigator.credentials.create()`, as Cognito makes them
         *     (PublicKeyCredentialCreationOptionsJSON: `challenge`, `rp`, `user`,
         *     `pubKeyCredParams`, `excludeCredentials` (the user's passkeys), `authenticatorSelection`,
         *     `timeout`). In a browser, `PublicKeyCredential.parseCreationOptionsFromJSON()` reads
         *     them. Then send the credential to `POST /me/passkeys/complete`; only the user's newest
         *     registration counts, and Cognito keeps it for a few minutes. The request has no body;
         *     one that is sent is ignored.
         *
         *     Needs a recent sign-in: the user must have proved who they are within
         *     RECENT_SIGN_IN_SECONDS (the browser session's sign-in, or the access token's
         *     `auth_time`); past it, `403 recent_sign_in_required` with `next_step: SIGN_IN`, and
         *     Cognito is not called.
         */
        post: operations["startPasskeyRegistration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/passkeys/complete": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finish registering a passkey (Cognito CompleteWebAuthnRegistration)
         * @description The browser's credential, `credential.toJSON()` of what
         *     `navigator.credentials.create()` gave (RegistrationResponseJSON), as `credential`.
         *     Its shape is checked first (`400 invalid_request` naming the member at fault, and
         *     Cognito is not called); Cognito verifies the attestation. Needs a recent sign-in, as
         *     `POST /me/passkeys` does: register within the bound.
         */
        post: operations["completePasskeyRegistration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/passkeys/{id}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description A passkey's `id` from `GET /me/passkeys`. */
                id: components["schemas"]["CredentialId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a passkey (Cognito DeleteWebAuthnCredential)
         * @description The passkey no longer signs the user in. An id that names none of the caller's
         *     passkeys (or isn't a credential id) gets `404 not_found`, whoever's it is. Needs a
         *     recent sign-in, as registering does.
         */
        delete: operations["deletePasskey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/password/forgot": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a password reset code (Cognito ForgotPassword)
         * @description Always `202` with `next_step: CONFIRM_RESET_PASSWORD_WITH_CODE`, whether or not the
         *     account exists. Every refusal Cognito makes (no such user, no verified email or phone
         *     number, a disabled user, too many codes) looks like success; only the log tells them
         *     apart. The answer takes at least LOGIN_FAILURE_FLOOR_MS, since sending a code takes
         *     Cognito longer than finding no account. Only failures where Cognito never judged the
         *     request are passed on, because trying again may help: `429 too_many_requests`,
         *     `503 cognito_unavailable` and `504 cognito_timeout`.
         *
         *     `code_delivery` is present only when the app client has PreventUserExistenceErrors
         *     set to `ENABLED`: Cognito then reports a plausible destination for unknown users too,
         *     so showing it tells nothing. Even then, some `202`s have no `code_delivery`: when
         *     Cognito refuses a known user (no verified email or phone number, a disabled user, too
         *     many codes), and for some unknown users, since Cognito itself answers an unknown user
         *     sometimes with a simulated delivery and sometimes with InvalidParameterException,
         *     which the server also turns into a `202` without `code_delivery`. An answer without
         *     `code_delivery` therefore comes for known and unknown users alike. The server reads
         *     that setting with Cognito DescribeUserPoolClient and keeps it for 5 minutes. If it
         *     can't be read, it counts as off (also for 5 minutes).
         *
         *     SECRET_HASH is sent when the app client has a secret. The code goes to the user by
         *     email or SMS; the client then calls `/password/reset`.
         *
         *     The checks happen in this order: the per-IP limit, the body, `username`, the
         *     username's budget of code-sending requests (counted whether or not the account
         *     exists). Then Cognito is called.
         */
        post: operations["forgotPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/password/reset": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password with the reset code (Cognito ConfirmForgotPassword)
         * @description Sets the new password with the code from `/password/forgot` (or the one Cognito sent
         *     when an administrator reset the password: `403 password_reset_required` at `/login`).
         *     The user then signs in with the new password. Every browser session of the user ends,
         *     and its tokens are refused on every replica (unless
         *     END_OTHER_SESSIONS_ON_CHANGE=false): whoever holds one may be why the password was
         *     reset. The user is found with AdminGetUser.
         *
         *     A wrong code, an expired code, an unknown, disabled or unconfirmed user, and Cognito's
         *     lock-out after too many wrong codes (LimitExceededException,
         *     TooManyFailedAttemptsException) get the same `400 code_mismatch`, with the same
         *     `detail`: Cognito tells a known user with no code outstanding that the code has
         *     expired, and locks out only a known user, neither of which an unknown user ever
         *     hears. A refused reset takes at least LOGIN_FAILURE_FLOOR_MS, so the timing doesn't
         *     tell them apart either. Only failures where Cognito never judged the request differ:
         *     `429 too_many_requests` (Cognito throttled the call), `503 cognito_unavailable` and
         *     `504 cognito_timeout`. The client can ask for a new code at `/password/forgot`. A
         *     password the pool's policy refuses gets `400 invalid_password`.
         *
         *     SECRET_HASH is sent when the app client has a secret.
         *
         *     The checks happen in this order: the per-IP limit, the body, `username`, `code`,
         *     `new_password`, the username's failure budget. Then Cognito is called; a refused
         *     reset is charged to that budget.
         */
        post: operations["resetPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/password/change": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change the signed-in user's password (Cognito ChangePassword)
         * @description Needs a live access token (see `bearerAuth`). A wrong `previous_password` gets
         *     `400 incorrect_password` with `field: previous_password`, after at least
         *     LOGIN_FAILURE_FLOOR_MS. A token Cognito no longer accepts (signed out everywhere, or
         *     revoked) gets `401 invalid_token`.
         *
         *     The checks happen in this order: the per-IP limit, the token and the user's
         *     RATE_LIMIT_PER_USER, the body, `previous_password`, `proposed_password`, the failure
         *     budget of the token's username. Then Cognito is called; `incorrect_password` is
         *     charged to that budget.
         */
        post: operations["changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user (Cognito GetUser and GetUserAuthFactors)
         * @description The access token's identity, the user's current attributes from Cognito, typed
         *     (see `TypedAttributes`), their MFA settings (GetUser) and the ways they can sign in
         *     (GetUserAuthFactors). The two Cognito calls are made at once. If GetUser fails, so
         *     does the request; if only GetUserAuthFactors fails, the answer still comes, with
         *     `sign_in_factors: null`.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change the signed-in user's attributes (Cognito UpdateUserAttributes)
         * @description Attributes are typed as in sign-up (see `Attributes`). A changed email or phone number
         *     must be verified again: `code_deliveries` tells where Cognito sent the codes.
         *
         *     `email` and `phone_number` are where password-reset codes go, so changing either needs
         *     a recent sign-in (within RECENT_SIGN_IN_SECONDS); past it,
         *     `403 recent_sign_in_required` with `next_step: SIGN_IN`, and Cognito is not called.
         *
         *     The checks happen in this order: the token, the body, the recent sign-in when `email`
         *     or `phone_number` is named, `attributes`. Then Cognito is called.
         */
        patch: operations["updateMe"];
        trace?: never;
    };
    "/mfa/totp/setup": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a TOTP secret for the signed-in user (Cognito AssociateSoftwareToken)
         * @description Starts adding an authenticator app. The answer is the shared `secret` and an
         *     `otpauth_uri` (`otpauth://totp/<issuer>:<name>?secret=<secret>&issuer=<issuer>`, where
         *     `<issuer>` is TOTP_ISSUER and `<name>` is the access token's `username` claim, both
         *     percent-encoded), usually shown as a QR code. That claim is Cognito's internal
         *     username: in a pool where users sign in by email, it is the `sub`, not the email. (A
         *     TOTP set up during sign-in at `/challenge/totp` is labelled with the name typed at
         *     `/login` instead.) TOTP is not on until the first code is
         *     confirmed at `/mfa/totp/verify`. The request has no body; one that is sent is ignored.
         *
         *     Needs a recent sign-in: the user must have proved who they are within
         *     RECENT_SIGN_IN_SECONDS (the browser session's sign-in, or the access token's
         *     `auth_time`); past it, `403 recent_sign_in_required` with `next_step: SIGN_IN`, and
         *     Cognito is not called.
         *
         *     The answer has `Cache-Control: no-store`: the secret is shown once.
         */
        post: operations["setupTotp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/mfa/totp/verify": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm the authenticator app and turn TOTP on (Cognito VerifySoftwareToken, SetUserMFAPreference)
         * @description Checks the first code from the app set up at `/mfa/totp/setup` with
         *     VerifySoftwareToken, then makes TOTP enabled and the preferred MFA method with
         *     SetUserMFAPreference. Later sign-ins get `SOFTWARE_TOKEN_MFA`
         *     (`next_step: CONFIRM_SIGN_IN_WITH_TOTP_CODE`). `code` must be exactly 6 digits;
         *     anything else gets `400 invalid_request` (`field: code`). A wrong code gets
         *     `400 code_mismatch`. A VerifySoftwareToken answer without a status is taken as an
         *     incomplete answer from Cognito: `502 cognito_error`.
         *
         *     The checks happen in this order: the per-IP limit, the token, the body, `code`. Then
         *     Cognito is called.
         */
        post: operations["verifyTotp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/mfa/totp": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Turn TOTP off for the signed-in user (Cognito SetUserMFAPreference)
         * @description Turns TOTP off and no longer prefers it (SetUserMFAPreference). The request has no
         *     body; one that is sent is ignored.
         *
         *     Needs a recent sign-in: the user must have proved who they are within
         *     RECENT_SIGN_IN_SECONDS (the browser session's sign-in, or the access token's
         *     `auth_time`); past it, `403 recent_sign_in_required` with `next_step: SIGN_IN`, and
         *     Cognito is not called.
         */
        delete: operations["disableTotp"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/mfa/email": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Turn email MFA on for the signed-in user (Cognito SetUserMFAPreference)
         * @description Turns email MFA on (SetUserMFAPreference with EmailMfaSettings), the preferred MFA
         *     method when `preferred` is true, or, unsaid, when no other MFA is preferred. Made
         *     preferred in place of another MFA, it ends the user's other sessions
         *     (`signed_out_others`). Later password sign-ins get `EMAIL_OTP`
         *     (`next_step: CONFIRM_SIGN_IN_WITH_EMAIL_CODE`) once the password is accepted, answered
         *     with `EMAIL_OTP_CODE`: the code mailed to the account's email address. (With another
         *     MFA preferred, Cognito asks for that one instead.) The body is optional; none is the
         *     same as `{}`.
         *
         *     The pool must offer email MFA (an email MFA configuration, with MFA optional or on,
         *     on the Essentials plan or above), else `409 email_mfa_unavailable`; the account must
         *     have an email address, else `409 email_required`, and it must be verified, else
         *     `409 email_unverified` (both checked with GetUser before anything changes).
         *
         *     Needs a recent sign-in: the user must have proved who they are within
         *     RECENT_SIGN_IN_SECONDS (the browser session's sign-in, or the access token's
         *     `auth_time`); past it, `403 recent_sign_in_required` with `next_step: SIGN_IN`, and
         *     Cognito is not called. A session this request came with gets a new id.
         */
        post: operations["enableEmailMfa"];
        /**
         * Turn email MFA off for the signed-in user (Cognito SetUserMFAPreference)
         * @description Turns email MFA off and no longer prefers it (SetUserMFAPreference with
         *     EmailMfaSettings). Turning off what is not on is no error. The request has no body;
         *     one that is sent is ignored.
         *
         *     Needs a recent sign-in: the user must have proved who they are within
         *     RECENT_SIGN_IN_SECONDS (the browser session's sign-in, or the access token's
         *     `auth_time`); past it, `403 recent_sign_in_required` with `next_step: SIGN_IN`, and
         *     Cognito is not called.
         */
        delete: operations["disableEmailMfa"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Invite a user (Cognito AdminCreateUser)
         * @description Needs an access token (see `bearerAuth`) whose `cognito:groups` includes
         *     `ADMIN_GROUP` (default `admin`).
         *
         *     The user is created in `FORCE_CHANGE_PASSWORD`. At the first `/login` they get the
         *     `NEW_PASSWORD_REQUIRED` challenge.
         *
         *     The checks happen in this order: the token, group membership, the body, `username`,
         *     `temporary_password`, `attributes`. Then Cognito is called. Membership is checked
         *     before the body is read, so a caller outside ADMIN_GROUP gets `403 forbidden` whatever
         *     body it sends.
         */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/{name}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
            };
            cookie?: never;
        };
        /**
         * A browser's call to an upstream API, with its session's access token attached
         * @description The token handler (see `docs/browser-sessions.md`). The call goes on to the upstream
         *     API that API_UPSTREAMS names `name`, at its URL plus `path` and the query, with
         *     `Authorization: Bearer <the session's access token>` (refreshed first if it is about
         *     to expire). Of the browser's headers only content negotiation, conditions and ranges,
         *     `Content-*`, `User-Agent`, `Origin`, `Cache-Control`, `Pragma`, the request id and
         *     what API_FORWARD_HEADERS lists for the upstream go on; `X-Forwarded-For`,
         *     `X-Forwarded-Proto`, `X-Forwarded-Prefix` and, with PUBLIC_ORIGIN, `X-Forwarded-Host`
         *     are set from what the service knows. The body streams through, up to 10 MiB. The upstream's answer comes back as it gave it, without
         *     hop-by-hop headers, `Set-Cookie` or `Clear-Site-Data`, made `Cache-Control: private`
         *     unless the upstream said `public` or `s-maxage`, and with `Vary: Cookie`. A
         *     `Location` below the upstream's URL is rewritten to `/api/{name}/…`; one elsewhere on
         *     the upstream's host is dropped.
         *
         *     Only the session cookie authenticates here. A `GET` needs no CSRF header.
         */
        get: operations["getApiRoot"];
        /**
         * A browser's call to an upstream API, with its session's access token attached
         * @description The token handler (see `docs/browser-sessions.md`). The call goes on to the upstream
         *     API that API_UPSTREAMS names `name`, at its URL plus `path` and the query, with
         *     `Authorization: Bearer <the session's access token>` (refreshed first if it is about
         *     to expire). Of the browser's headers only content negotiation, conditions and ranges,
         *     `Content-*`, `User-Agent`, `Origin`, `Cache-Control`, `Pragma`, the request id and
         *     what API_FORWARD_HEADERS lists for the upstream go on; `X-Forwarded-For`,
         *     `X-Forwarded-Proto`, `X-Forwarded-Prefix` and, with PUBLIC_ORIGIN, `X-Forwarded-Host`
         *     are set from what the service knows. The body streams through, up to 10 MiB. The upstream's answer comes back as it gave it, without
         *     hop-by-hop headers, `Set-Cookie` or `Clear-Site-Data`, made `Cache-Control: private`
         *     unless the upstream said `public` or `s-maxage`, and with `Vary: Cookie`. A
         *     `Location` below the upstream's URL is rewritten to `/api/{name}/…`; one elsewhere on
         *     the upstream's host is dropped.
         *
         *     Only the session cookie authenticates here. `X-CSRF: 1` and a known `Origin` are required (`403`).
         */
        put: operations["putApiRoot"];
        /**
         * A browser's call to an upstream API, with its session's access token attached
         * @description The token handler (see `docs/browser-sessions.md`). The call goes on to the upstream
         *     API that API_UPSTREAMS names `name`, at its URL plus `path` and the query, with
         *     `Authorization: Bearer <the session's access token>` (refreshed first if it is about
         *     to expire). Of the browser's headers only content negotiation, conditions and ranges,
         *     `Content-*`, `User-Agent`, `Origin`, `Cache-Control`, `Pragma`, the request id and
         *     what API_FORWARD_HEADERS lists for the upstream go on; `X-Forwarded-For`,
         *     `X-Forwarded-Proto`, `X-Forwarded-Prefix` and, with PUBLIC_ORIGIN, `X-Forwarded-Host`
         *     are set from what the service knows. The body streams through, up to 10 MiB. The upstream's answer comes back as it gave it, without
         *     hop-by-hop headers, `Set-Cookie` or `Clear-Site-Data`, made `Cache-Control: private`
         *     unless the upstream said `public` or `s-maxage`, and with `Vary: Cookie`. A
         *     `Location` below the upstream's URL is rewritten to `/api/{name}/…`; one elsewhere on
         *     the upstream's host is dropped.
         *
         *     Only the session cookie authenticates here. `X-CSRF: 1` and a known `Origin` are required (`403`).
         */
        post: operations["postApiRoot"];
        /**
         * A browser's call to an upstream API, with its session's access token attached
         * @description The token handler (see `docs/browser-sessions.md`). The call goes on to the upstream
         *     API that API_UPSTREAMS names `name`, at its URL plus `path` and the query, with
         *     `Authorization: Bearer <the session's access token>` (refreshed first if it is about
         *     to expire). Of the browser's headers only content negotiation, conditions and ranges,
         *     `Content-*`, `User-Agent`, `Origin`, `Cache-Control`, `Pragma`, the request id and
         *     what API_FORWARD_HEADERS lists for the upstream go on; `X-Forwarded-For`,
         *     `X-Forwarded-Proto`, `X-Forwarded-Prefix` and, with PUBLIC_ORIGIN, `X-Forwarded-Host`
         *     are set from what the service knows. The body streams through, up to 10 MiB. The upstream's answer comes back as it gave it, without
         *     hop-by-hop headers, `Set-Cookie` or `Clear-Site-Data`, made `Cache-Control: private`
         *     unless the upstream said `public` or `s-maxage`, and with `Vary: Cookie`. A
         *     `Location` below the upstream's URL is rewritten to `/api/{name}/…`; one elsewhere on
         *     the upstream's host is dropped.
         *
         *     Only the session cookie authenticates here. `X-CSRF: 1` and a known `Origin` are required (`403`).
         */
        delete: operations["deleteApiRoot"];
        options?: never;
        head?: never;
        /**
         * A browser's call to an upstream API, with its session's access token attached
         * @description The token handler (see `docs/browser-sessions.md`). The call goes on to the upstream
         *     API that API_UPSTREAMS names `name`, at its URL plus `path` and the query, with
         *     `Authorization: Bearer <the session's access token>` (refreshed first if it is about
         *     to expire). Of the browser's headers only content negotiation, conditions and ranges,
         *     `Content-*`, `User-Agent`, `Origin`, `Cache-Control`, `Pragma`, the request id and
         *     what API_FORWARD_HEADERS lists for the upstream go on; `X-Forwarded-For`,
         *     `X-Forwarded-Proto`, `X-Forwarded-Prefix` and, with PUBLIC_ORIGIN, `X-Forwarded-Host`
         *     are set from what the service knows. The body streams through, up to 10 MiB. The upstream's answer comes back as it gave it, without
         *     hop-by-hop headers, `Set-Cookie` or `Clear-Site-Data`, made `Cache-Control: private`
         *     unless the upstream said `public` or `s-maxage`, and with `Vary: Cookie`. A
         *     `Location` below the upstream's URL is rewritten to `/api/{name}/…`; one elsewhere on
         *     the upstream's host is dropped.
         *
         *     Only the session cookie authenticates here. `X-CSRF: 1` and a known `Origin` are required (`403`).
         */
        patch: operations["patchApiRoot"];
        trace?: never;
    };
    "/api/{name}/{path}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
                /** @description The rest of the path, one or more segments, passed on as sent. */
                path: string;
            };
            cookie?: never;
        };
        /**
         * A browser's call to an upstream API, with its session's access token attached
         * @description The token handler (see `docs/browser-sessions.md`). The call goes on to the upstream
         *     API that API_UPSTREAMS names `name`, at its URL plus `path` and the query, with
         *     `Authorization: Bearer <the session's access token>` (refreshed first if it is about
         *     to expire). Of the browser's headers only content negotiation, conditions and ranges,
         *     `Content-*`, `User-Agent`, `Origin`, `Cache-Control`, `Pragma`, the request id and
         *     what API_FORWARD_HEADERS lists for the upstream go on; `X-Forwarded-For`,
         *     `X-Forwarded-Proto`, `X-Forwarded-Prefix` and, with PUBLIC_ORIGIN, `X-Forwarded-Host`
         *     are set from what the service knows. The body streams through, up to 10 MiB. The upstream's answer comes back as it gave it, without
         *     hop-by-hop headers, `Set-Cookie` or `Clear-Site-Data`, made `Cache-Control: private`
         *     unless the upstream said `public` or `s-maxage`, and with `Vary: Cookie`. A
         *     `Location` below the upstream's URL is rewritten to `/api/{name}/…`; one elsewhere on
         *     the upstream's host is dropped.
         *
         *     Only the session cookie authenticates here. A `GET` needs no CSRF header.
         */
        get: operations["getApiPath"];
        /**
         * A browser's call to an upstream API, with its session's access token attached
         * @description The token handler (see `docs/browser-sessions.md`). The call goes on to the upstream
         *     API that API_UPSTREAMS names `name`, at its URL plus `path` and the query, with
         *     `Authorization: Bearer <the session's access token>` (refreshed first if it is about
         *     to expire). Of the browser's headers only content negotiation, conditions and ranges,
         *     `Content-*`, `User-Agent`, `Origin`, `Cache-Control`, `Pragma`, the request id and
         *     what API_FORWARD_HEADERS lists for the upstream go on; `X-Forwarded-For`,
         *     `X-Forwarded-Proto`, `X-Forwarded-Prefix` and, with PUBLIC_ORIGIN, `X-Forwarded-Host`
         *     are set from what the service knows. The body streams through, up to 10 MiB. The upstream's answer comes back as it gave it, without
         *     hop-by-hop headers, `Set-Cookie` or `Clear-Site-Data`, made `Cache-Control: private`
         *     unless the upstream said `public` or `s-maxage`, and with `Vary: Cookie`. A
         *     `Location` below the upstream's URL is rewritten to `/api/{name}/…`; one elsewhere on
         *     the upstream's host is dropped.
         *
         *     Only the session cookie authenticates here. `X-CSRF: 1` and a known `Origin` are required (`403`).
         */
        put: operations["putApiPath"];
        /**
         * A browser's call to an upstream API, with its session's access token attached
         * @description The token handler (see `docs/browser-sessions.md`). The call goes on to the upstream
         *     API that API_UPSTREAMS names `name`, at its URL plus `path` and the query, with
         *     `Authorization: Bearer <the session's access token>` (refreshed first if it is about
         *     to expire). Of the browser's headers only content negotiation, conditions and ranges,
         *     `Content-*`, `User-Agent`, `Origin`, `Cache-Control`, `Pragma`, the request id and
         *     what API_FORWARD_HEADERS lists for the upstream go on; `X-Forwarded-For`,
         *     `X-Forwarded-Proto`, `X-Forwarded-Prefix` and, with PUBLIC_ORIGIN, `X-Forwarded-Host`
         *     are set from what the service knows. The body streams through, up to 10 MiB. The upstream's answer comes back as it gave it, without
         *     hop-by-hop headers, `Set-Cookie` or `Clear-Site-Data`, made `Cache-Control: private`
         *     unless the upstream said `public` or `s-maxage`, and with `Vary: Cookie`. A
         *     `Location` below the upstream's URL is rewritten to `/api/{name}/…`; one elsewhere on
         *     the upstream's host is dropped.
         *
         *     Only the session cookie authenticates here. `X-CSRF: 1` and a known `Origin` are required (`403`).
         */
        post: operations["postApiPath"];
        /**
         * A browser's call to an upstream API, with its session's access token attached
         * @description The token handler (see `docs/browser-sessions.md`). The call goes on to the upstream
         *     API that API_UPSTREAMS names `name`, at its URL plus `path` and the query, with
         *     `Authorization: Bearer <the session's access token>` (refreshed first if it is about
         *     to expire). Of the browser's headers only content negotiation, conditions and ranges,
         *     `Content-*`, `User-Agent`, `Origin`, `Cache-Control`, `Pragma`, the request id and
         *     what API_FORWARD_HEADERS lists for the upstream go on; `X-Forwarded-For`,
         *     `X-Forwarded-Proto`, `X-Forwarded-Prefix` and, with PUBLIC_ORIGIN, `X-Forwarded-Host`
         *     are set from what the service knows. The body streams through, up to 10 MiB. The upstream's answer comes back as it gave it, without
         *     hop-by-hop headers, `Set-Cookie` or `Clear-Site-Data`, made `Cache-Control: private`
         *     unless the upstream said `public` or `s-maxage`, and with `Vary: Cookie`. A
         *     `Location` below the upstream's URL is rewritten to `/api/{name}/…`; one elsewhere on
         *     the upstream's host is dropped.
         *
         *     Only the session cookie authenticates here. `X-CSRF: 1` and a known `Origin` are required (`403`).
         */
        delete: operations["deleteApiPath"];
        options?: never;
        head?: never;
        /**
         * A browser's call to an upstream API, with its session's access token attached
         * @description The token handler (see `docs/browser-sessions.md`). The call goes on to the upstream
         *     API that API_UPSTREAMS names `name`, at its URL plus `path` and the query, with
         *     `Authorization: Bearer <the session's access token>` (refreshed first if it is about
         *     to expire). Of the browser's headers only content negotiation, conditions and ranges,
         *     `Content-*`, `User-Agent`, `Origin`, `Cache-Control`, `Pragma`, the request id and
         *     what API_FORWARD_HEADERS lists for the upstream go on; `X-Forwarded-For`,
         *     `X-Forwarded-Proto`, `X-Forwarded-Prefix` and, with PUBLIC_ORIGIN, `X-Forwarded-Host`
         *     are set from what the service knows. The body streams through, up to 10 MiB. The upstream's answer comes back as it gave it, without
         *     hop-by-hop headers, `Set-Cookie` or `Clear-Site-Data`, made `Cache-Control: private`
         *     unless the upstream said `public` or `s-maxage`, and with `Vary: Cookie`. A
         *     `Location` below the upstream's URL is rewritten to `/api/{name}/…`; one elsewhere on
         *     the upstream's host is dropped.
         *
         *     Only the session cookie authenticates here. `X-CSRF: 1` and a known `Origin` are required (`403`).
         */
        patch: operations["patchApiPath"];
        trace?: never;
    };
    "/verify": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * Check an access token for a gateway (forward auth)
         * @description For nginx `auth_request`, Traefik `forwardAuth` or Envoy `ext_authz`. Every method
         *     (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, …) is answered the same way, and so is
         *     every path below `/verify/`. The answer is 200 with the access token and the caller's
         *     identity in headers, or 401, and never a redirect. With a bearer token, Cognito is not
         *     called.
         *
         *     A browser's request with no `Authorization` header but the session cookie is answered
         *     with the session's access token (refreshed first if it is about to expire), for the
         *     gateway to pass on: only when the TCP peer is in VERIFY_SESSION_GATEWAYS
         *     (TRUSTED_PROXIES is not enough) and the request has no `Sec-Fetch-*` header (a
         *     browser's own request), or it gets `403 forbidden`. If the original request may change state (the most unsafe of this
         *     request's method, `X-Original-Method` and `X-Forwarded-Method`), it needs `X-CSRF: 1`
         *     and an `Origin` the service serves or ALLOWED_ORIGINS lists, or it gets 403.
         */
        get: operations["verify"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/verify/{path}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path: {
                /** @description Any path below `/verify/`, slashes included (for Envoy's path prefix). */
                path: string;
            };
            cookie?: never;
        };
        /**
         * Check an access token for a gateway, under a path prefix
         * @description The same as `/verify`, for any method.
         */
        get: operations["verifyPath"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description Answers 200 while the process serves HTTP. Checks nothing else.
         *     `cognito-bff healthcheck` calls it.
         */
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description Ready when the database answers `SELECT 1` and the pool's signing keys (JWKS) have
         *     been loaded. Use it to decide whether a replica gets traffic. Cognito itself is not
         *     called. From the first SIGTERM or SIGINT it answers 503 with `status: draining`,
         *     while the replica still serves every other request until its listener closes.
         */
        get: operations["readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.yaml": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * This document
         * @description The API contract shipped with this build, compiled into the binary.
         */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description An RFC 9457 problem. `code` is the stable, machine-readable name. The optional
         *     members appear only when they apply.
         */
        Problem: {
            /**
             * Format: uri
             * @description `urn:cognito-bff:problem:{code}`.
             * @example urn:cognito-bff:problem:invalid_request
             */
            type: string;
            /** @description A short, fixed summary of the code. */
            title: string;
            /**
             * @description The HTTP status, repeated.
             * @enum {integer}
             */
            status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 502 | 503 | 504;
            /**
             * @description What went wrong, for people. It never contains passwords, codes, tokens, sessions
             *     or cookie values. Cognito's reason is cut to 300 characters.
             */
            detail: string;
            code: components["schemas"]["ErrorCode"];
            /**
             * @description With `invalid_request`: the request field at fault. It is a path for nested
             *     fields, for example `responses.NEW_PASSWORD` or `delivery[0]`. It is absent when
             *     the body as a whole is at fault (not JSON, or not an object). With
             *     `incorrect_password`: `previous_password`.
             * @example username
             */
            field?: string;
            /**
             * @description With `invalid_attribute`, the attribute at fault.
             * @example birthdate
             */
            attribute?: string;
            /**
             * @description With `user_not_confirmed`: `CONFIRM_SIGN_UP`. With `password_reset_required`:
             *     `RESET_PASSWORD`. With `recent_sign_in_required`: `SIGN_IN` (sign in again, then
             *     repeat the request).
             * @enum {string}
             */
            next_step?: "CONFIRM_SIGN_UP" | "RESET_PASSWORD" | "SIGN_IN";
            /** @description The response's `x-request-id`. */
            request_id?: string;
            /**
             * @description Cognito's request id, on 5xx answers caused by Cognito (`cognito_error`,
             *     `cognito_unavailable`, `cognito_timeout`) when Cognito sent one. Quote it to AWS
             *     support.
             */
            cognito_request_id?: string;
        };
        /**
         * @description | code | status | meaning |
         *     |---|---|---|
         *     | `invalid_request` | 400 | The body or a field is malformed, missing, empty, too long or has control characters, or a TOTP code is not 6 digits. See `field`. |
         *     | `invalid_attribute` | 400 | An attribute is unknown or has the wrong type or form, or its value holds control characters. See `attribute`. |
         *     | `attribute_not_writable` | 400 | The attribute can't be set by this request: not in WRITABLE_ATTRIBUTES, or not asked for by the challenge. See `attribute`. |
         *     | `duplicate_cookie` | 400 | Two challenge cookies of the same name arrived. The cookie is cleared; sign in again. |
         *     | `invalid_password` | 400 | Cognito's password policy refused the password. |
         *     | `invalid_parameter` | 400 | Cognito refused a parameter. |
         *     | `code_mismatch` | 400 | Wrong confirmation, reset or MFA code (at `/password/reset`, also an expired code, no such user, or Cognito's lock-out after too many wrong codes). |
         *     | `code_expired` | 400 | The code has expired. |
         *     | `incorrect_password` | 400 | `/password/change`: the previous password is wrong. See `field`. |
         *     | `oauth_state_invalid` | 400 | `/oauth/callback`: no federated sign-in of this browser matches (no flow cookie, a flow expired or already used, or another `state`). Start again. |
         *     | `oauth_code_invalid` | 400 | `/oauth/callback`: the pool's token endpoint refused the code (already used, expired, or another sign-in's). Start again. |
         *     | `oauth_access_denied` | 403 | `/oauth/callback`: the user cancelled, or the identity provider refused, the sign-in (`error=access_denied`). |
         *     | `federated_user` | 409 | `/password/change`: the user signs in through an identity provider, which keeps their password. |
         *     | `oauth_provider_error` | 502 | `/oauth/callback`: the identity provider or the pool answered with another `error`. Its own words are never shown. |
         *     | `oauth_token_invalid` | 502 | `/oauth/callback`: the tokens failed a check (signature, `iss`, `aud`, `nonce`, `exp`); nobody is signed in. |
         *     | `oauth_unavailable` | 502 | `/oauth/callback`: the pool's domain could not be reached, answered unreadably, or refused this service as a client. |
         *     | `oauth_timeout` | 504 | `/oauth/callback`: the pool's domain did not answer within COGNITO_TIMEOUT_SECONDS. |
         *     | `oauth_busy` | 503 | `/oauth/start`: as many federated sign-ins are under way as the service keeps. |
         *     | `invalid_credentials` | 401 | Wrong username or password (login). |
         *     | `invalid_refresh_token` | 401 | Cognito refused the refresh token, or its sign-in was signed out. Sign in again. |
         *     | `missing_token` | 401 | No bearer token. |
         *     | `invalid_token` | 401 | The bearer token failed verification, or its session was signed out. |
         *     | `challenge_expired` | 401 | No live challenge for the cookie. Sign in again. |
         *     | `no_session` | 401 | No session cookie, or it names no live browser session. Sign in again. |
         *     | `forbidden` | 403 | The caller is not in ADMIN_GROUP. |
         *     | `origin_not_allowed` | 403 | A cookie request (`/challenge`, `/challenge/totp`, or one made with the session cookie that changes state) from an `Origin` that is neither the service's own nor in ALLOWED_ORIGINS. |
         *     | `csrf_header_required` | 403 | A request made with the session cookie that changes state lacks `X-CSRF: 1`. |
         *     | `not_authorized` | 403 | Cognito refused the call. |
         *     | `user_not_confirmed` | 403 | Confirm the sign-up first (`next_step: CONFIRM_SIGN_UP`). |
         *     | `password_reset_required` | 403 | Reset the password first (`next_step: RESET_PASSWORD`). |
         *     | `passkeys_not_enabled` | 403 | The user pool doesn't allow passkeys (`WEB_AUTHN` is not among its first factors). |
         *     | `passkey_origin_not_allowed` | 400 | The passkey was made on a page whose origin the pool's relying party id doesn't cover. |
         *     | `passkey_relying_party_mismatch` | 400 | The passkey was made for another relying party than the pool's. |
         *     | `passkey_not_supported` | 400 | Cognito doesn't take the passkey's algorithm or attestation. |
         *     | `passkey_rejected` | 400 | Cognito refused the registration: the attestation failed, or the passkey is registered already. |
         *     | `passkey_registration_not_found` | 409 | No passkey registration waits for the credential (none started, expired, already answered, another challenge). Start again. |
         *     | `passkey_client_mismatch` | 409 | The passkey registration was started through another app client. |
         *     | `passkey_limit_reached` | 409 | The user has as many passkeys as Cognito keeps. |
         *     | `passkeys_not_configured` | 503 | The user pool allows passkeys but has no relying party (WebAuthnConfiguration or a domain). The operator's to fix. |
         *     | `not_found` | 404 | No such route. |
         *     | `user_not_found` | 404 | No such user. |
         *     | `method_not_allowed` | 405 | The path doesn't support this method. |
         *     | `username_exists` | 409 | The username is taken. |
         *     | `alias_exists` | 409 | The email or phone number is another user's alias. |
         *     | `challenge_mismatch` | 409 | The request named a different challenge than the pending one. |
         *     | `challenge_in_progress` | 409 | Another request is answering this challenge. |
         *     | `email_mfa_unavailable` | 409 | `POST /mfa/email`: the user pool offers no email MFA (no email MFA configuration, or a feature plan without it). |
         *     | `email_required` | 409 | `POST /mfa/email`: the account has no email address to send codes to. |
         *     | `email_unverified` | 409 | `POST /mfa/email`: the account's email address is not verified. |
         *     | `payload_too_large` | 413 | The body is over 16 KiB. |
         *     | `unsupported_media_type` | 415 | The body is not application/json. |
         *     | `rate_limited` | 429 | Over one of this service's limits (per address, username, user or MFA failures). See `Retry-After`. |
         *     | `too_many_requests` | 429 | Cognito throttled the call or a limit was reached. See `Retry-After`. |
         *     | `internal_error` | 500 | An unexpected failure. |
         *     | `cognito_error` | 502 | Cognito answered with an unmapped error. |
         *     | `unsupported_challenge` | 502 | Cognito asked for a challenge this service doesn't carry. |
         *     | `cognito_unavailable` | 503 | Cognito could not be reached. See `Retry-After`. |
         *     | `database_unavailable` | 503 | The database could not be reached. See `Retry-After`. |
         *     | `challenge_unavailable` | 503 | This replica can't decrypt the pending challenge or the browser session (different SESSION_ENCRYPTION_KEY, or a key rotation under way). It is kept; try again. See `Retry-After`. |
         *     | `upstream_unavailable` | 502 | `/api/{name}/…`: the upstream API could not be reached. |
         *     | `upstream_timeout` | 504 | `/api/{name}/…`: the upstream API gave no whole answer within API_UPSTREAM_TIMEOUT_SECONDS. |
         *     | `session_busy` | 503 | Another request's refresh of this browser session's tokens did not finish in time. See `Retry-After`. |
         *     | `cognito_timeout` | 504 | Cognito did not answer in time. |
         *     | `request_timeout` | 504 | The request took longer than REQUEST_TIMEOUT_SECONDS. |
         * @enum {string}
         */
        ErrorCode: "invalid_request" | "invalid_attribute" | "attribute_not_writable" | "duplicate_cookie" | "invalid_password" | "invalid_parameter" | "code_mismatch" | "code_expired" | "incorrect_password" | "oauth_state_invalid" | "oauth_code_invalid" | "oauth_access_denied" | "federated_user" | "oauth_provider_error" | "oauth_token_invalid" | "oauth_unavailable" | "oauth_timeout" | "oauth_busy" | "invalid_credentials" | "invalid_refresh_token" | "missing_token" | "invalid_token" | "challenge_expired" | "no_session" | "forbidden" | "origin_not_allowed" | "csrf_header_required" | "not_authorized" | "user_not_confirmed" | "password_reset_required" | "passkeys_not_enabled" | "passkey_origin_not_allowed" | "passkey_relying_party_mismatch" | "passkey_not_supported" | "passkey_rejected" | "passkey_registration_not_found" | "passkey_client_mismatch" | "passkey_limit_reached" | "passkeys_not_configured" | "not_found" | "user_not_found" | "method_not_allowed" | "username_exists" | "alias_exists" | "challenge_mismatch" | "challenge_in_progress" | "email_mfa_unavailable" | "email_required" | "email_unverified" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "too_many_requests" | "internal_error" | "cognito_error" | "unsupported_challenge" | "cognito_unavailable" | "database_unavailable" | "challenge_unavailable" | "session_busy" | "upstream_unavailable" | "cognito_timeout" | "upstream_timeout" | "request_timeout";
        /** @description Must not be empty or contain control characters. At most 128 characters. */
        Username: string;
        /**
         * Format: password
         * @description Must not be empty or contain control characters. At most 256 characters.
         */
        Password: string;
        /**
         * @description User attributes as typed JSON. The server converts each value to the string Cognito
         *     stores:
         *     * Most standard attributes must be strings. They pass through unchanged.
         *     * `updated_at`: a non-negative whole number of seconds since the epoch, or a string
         *       of digits. It is sent as decimal text.
         *     * `email_verified`, `phone_number_verified`: a boolean, or `"true"`/`"false"`.
         *     * `birthdate`: a string `YYYY-MM-DD` naming a real calendar day.
         *     * `custom:<name>`, where the name has 1 to 20 characters: a string, number or
         *       boolean. Numbers and booleans become text.
         *     * Values can have at most 2048 characters after conversion.
         *
         *     These get `400 invalid_attribute`, with `attribute` naming the attribute: objects,
         *     arrays, nulls, values of the wrong type, and names that are neither standard nor
         *     `custom:` (including `sub`, which Cognito assigns). More than 50 attributes get
         *     `400 invalid_request` with `field: attributes`. Cognito still applies the pool's own
         *     rules, such as required attributes, email and phone formats and mutability. It
         *     answers with `invalid_parameter`.
         * @example {
         *       "email": "jin@example.com",
         *       "email_verified": true,
         *       "birthdate": "1990-02-28",
         *       "updated_at": 1700000000,
         *       "custom:tier": 3,
         *       "custom:beta": false
         *     }
         */
        Attributes: {
            address?: string;
            /**
             * @description YYYY-MM-DD, a real calendar day (leap years are checked).
             * @example 1990-02-28
             */
            birthdate?: string;
            email?: string;
            email_verified?: components["schemas"]["VerifiedFlag"];
            family_name?: string;
            gender?: string;
            given_name?: string;
            locale?: string;
            middle_name?: string;
            name?: string;
            nickname?: string;
            /** @description E.164, for example +15555550100 (checked by Cognito). */
            phone_number?: string;
            phone_number_verified?: components["schemas"]["VerifiedFlag"];
            picture?: string;
            preferred_username?: string;
            profile?: string;
            /**
             * @description Seconds since the epoch.
             * @example 1700000000
             */
            updated_at?: number | string;
            website?: string;
            zoneinfo?: string;
        } & {
            [key: string]: string | number | boolean;
        };
        /** @description A boolean, or its text form. */
        VerifiedFlag: boolean | ("true" | "false");
        /**
         * @description Attributes as Cognito returns them, converted back to JSON types. `updated_at` is an
         *     integer when it is all digits. `*_verified` is a boolean when it is `true` or `false`.
         *     Everything else is a string.
         */
        TypedAttributes: {
            [key: string]: string | number | boolean;
        };
        /** @description Where Cognito sent a code. Cognito masks the destination. */
        CodeDelivery: {
            /**
             * @description Usually EMAIL or SMS.
             * @example EMAIL
             */
            medium: string | null;
            /** @example j***@e*** */
            destination: string | null;
        };
        SignUpRequest: {
            client_metadata?: components["schemas"]["ClientMetadata"];
            username: components["schemas"]["Username"];
            /**
             * @description Left out for a passwordless account, where the pool allows an emailed or texted
             *     code as a first factor (Cognito refuses it elsewhere: `400 invalid_parameter`).
             */
            password?: components["schemas"]["Password"];
            attributes?: components["schemas"]["Attributes"];
        };
        SignUpResponse: {
            /** @description The new user's `sub`. */
            user_sub: string;
            confirmed: boolean;
            /**
             * @description `DONE` when `confirmed` is true, otherwise `CONFIRM_SIGN_UP`.
             * @enum {string}
             */
            next_step: "DONE" | "CONFIRM_SIGN_UP";
            /** @description Where the confirmation code went. Null when none was sent. */
            code_delivery: components["schemas"]["CodeDelivery"] | null;
        };
        ConfirmRequest: {
            client_metadata?: components["schemas"]["ClientMetadata"];
            username: components["schemas"]["Username"];
            /** @description The confirmation code. Must not be empty or contain control characters. */
            code: string;
        };
        ConfirmResponse: {
            /** @constant */
            confirmed: true;
            /**
             * @description `COMPLETE_AUTO_SIGN_IN` under COGNITO_AUTH_FLOW=USER_AUTH when Cognito answered a
             *     Session: `POST /signup/auto-sign-in` with the cookie (or `Challenge-Handle`) set
             *     here signs the user in. Otherwise `DONE`: the user signs in as usual.
             * @enum {string}
             */
            next_step: "DONE" | "COMPLETE_AUTO_SIGN_IN";
        };
        AutoSignInRequest: {
            remember_device?: components["schemas"]["RememberDevice"];
        };
        ResendRequest: {
            client_metadata?: components["schemas"]["ClientMetadata"];
            username: components["schemas"]["Username"];
        };
        ResendResponse: {
            code_delivery: components["schemas"]["CodeDelivery"] | null;
        };
        /**
         * @description ClientMetadata for the pool's Lambda triggers. Only the keys CLIENT_METADATA_KEYS
         *     lists go to Cognito, with text values of at most 256 characters; everything else is
         *     dropped without an error (and never logged). Without CLIENT_METADATA_KEYS nothing
         *     goes. The values are the caller's: a trigger must treat them as input.
         * @example {
         *       "tenant": "acme"
         *     }
         */
        ClientMetadata: {
            [key: string]: unknown;
        };
        LoginRequest: {
            client_metadata?: components["schemas"]["ClientMetadata"];
            /** @description The username, or an alias the pool accepts, such as the email. */
            username: components["schemas"]["Username"];
            /**
             * @description Required with USER_PASSWORD_AUTH and USER_SRP_AUTH. With USER_AUTH: required
             *     for `PASSWORD` and `PASSWORD_SRP`, refused with the other factors, and without
             *     `preferred_challenge` it means `PASSWORD`.
             */
            password?: components["schemas"]["Password"];
            /**
             * @description COGNITO_AUTH_FLOW=USER_AUTH only (refused otherwise): the first factor wanted.
             *     Without it and without a password, the answer is the selection
             *     (`CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION`).
             * @enum {string}
             */
            preferred_challenge?: "PASSWORD" | "PASSWORD_SRP" | "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN";
            remember_device?: components["schemas"]["RememberDevice"];
        };
        /**
         * @description Where the user pool tracks devices: remember this device once signed in (Cognito
         *     UpdateDeviceStatus `remembered`), so later sign-ins from it may skip MFA as the pool's
         *     `ChallengeRequiredOnNewDevice` says. It counts on the step that finishes the sign-in;
         *     send it with every step (the MFA code's step is where the sign-in pages ask).
         * @default false
         */
        RememberDevice: boolean;
        ChallengeRequest: {
            remember_device?: components["schemas"]["RememberDevice"];
            client_metadata?: components["schemas"]["ClientMetadata"];
            /**
             * @description Optional. The challenge the client thinks it is answering. If it differs from the
             *     pending one, the answer is refused with `409 challenge_mismatch` and the challenge
             *     stays usable.
             * @example NEW_PASSWORD_REQUIRED
             */
            challenge?: string;
            /**
             * @description Cognito's `ChallengeResponses` for the pending challenge:
             *
             *     | challenge | responses |
             *     |---|---|
             *     | `NEW_PASSWORD_REQUIRED` | `NEW_PASSWORD`, plus `userAttributes.<name>` for each entry of `requiredAttributes` |
             *     | `SOFTWARE_TOKEN_MFA` | `SOFTWARE_TOKEN_MFA_CODE` |
             *     | `SMS_MFA` | `SMS_MFA_CODE` |
             *     | `SMS_OTP` | `SMS_OTP_CODE` |
             *     | `EMAIL_OTP` | `EMAIL_OTP_CODE` |
             *     | `SELECT_MFA_TYPE` | `ANSWER`: one of `MFAS_CAN_CHOOSE` |
             *     | `MFA_SETUP` | `TOTP_CODE`: the first code from the app (exactly 6 digits), after `POST /challenge/totp`; or `EMAIL` for email MFA |
             *     | `CUSTOM_CHALLENGE` | `ANSWER`, plus whatever the pool's Lambda triggers expect |
             *     | `SELECT_CHALLENGE` | `ANSWER`: one of `available_challenges`; `PASSWORD` with a password factor |
             *     | `WEB_AUTHN` | `CREDENTIAL`: the browser's credential (`toJSON()`), an object or its JSON text |
             *
             *     Every value must be a string, except for `userAttributes.<name>` keys. Those take
             *     the typed values of `Attributes` and are converted the same way. Leave out
             *     `USERNAME` and `SECRET_HASH`: the server always sets them.
             * @example {
             *       "NEW_PASSWORD": "N3w-Passw0rd!",
             *       "userAttributes.updated_at": 1700000000
             *     }
             */
            responses: {
                NEW_PASSWORD?: components["schemas"]["Password"];
                SOFTWARE_TOKEN_MFA_CODE?: components["schemas"]["TotpCode"];
                TOTP_CODE?: components["schemas"]["TotpCode"];
                /**
                 * @description `WEB_AUTHN`: the credential, as WebAuthn's AuthenticationResponseJSON or its
                 *     JSON text: `id`, `rawId`, `type: public-key`, and `response` with
                 *     `clientDataJSON`, `authenticatorData` and `signature`; at most 12 KiB.
                 */
                CREDENTIAL?: Record<string, never> | string;
            } & {
                [key: string]: string | unknown;
            };
        };
        /** @description The result of a sign-in step, told apart by `status`. */
        SignInResponse: components["schemas"]["Authenticated"] | components["schemas"]["ChallengePending"];
        /**
         * @description Signed in. Which of `tokens` and `session` comes depends on TOKEN_DELIVERY: with
         *     `auto` (the default) a request a browser sends (it carries `Sec-Fetch-Site` or `Origin`) gets
         *     `session` and the session cookie, and any other client gets `tokens`; `session` and
         *     `body` give every client one or the other. A `session` answer never holds a token.
         */
        Authenticated: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            status: "authenticated";
            /** @constant */
            next_step: "DONE";
            tokens?: components["schemas"]["Tokens"];
            session?: components["schemas"]["SessionView"];
            /**
             * @description Where the user pool tracks devices and this sign-in confirmed a new device for an
             *     app (with `tokens`): the `Device-Handle` to send from now on. A browser gets the
             *     device cookie instead (`__Host-cognito-bff-device`, HttpOnly, Secure,
             *     SameSite=Strict, living DEVICE_LIFETIME_DAYS), which outlives sign-out.
             */
            device_handle?: string;
        } & (unknown | unknown);
        /** @description A browser session as the browser may see it. It holds no token. */
        SessionView: {
            user: {
                sub: string;
                /** @description Cognito's name for the user (the `sub` in pools that sign in by email). */
                username: string;
                groups: string[];
                /** @description The user's attributes as the ID token states them (`email`, `name`, `custom:…`). */
                attributes: Record<string, never>;
            };
            /** @description Seconds since the epoch when the user last proved who they are. */
            auth_time: number;
            /**
             * @description How they proved it, in RFC 8176's names: `pwd`, `otp` (an authenticator app or an
             *     emailed code), `sms`, `hwk` (a passkey), and `mfa` when more than one factor was
             *     used; `fed` (not one of RFC 8176's) for a sign-in through an identity provider at
             *     the pool's managed login, where how the user proved themselves is the provider's
             *     business; `hosted` for a user of the pool's own directory who signed in on managed
             *     login's own page. Empty for a session made from a refresh token, where it is not known.
             */
            amr: ("pwd" | "otp" | "sms" | "hwk" | "mfa" | "fed")[];
            created_at: number;
            /** @description Seconds since the epoch when the session ends however much it is used (SESSION_MAX_LIFETIME). */
            expires_at: number;
            /** @description When it ends if it goes unused from now (SESSION_IDLE_TIMEOUT). */
            idle_expires_at: number;
            /**
             * @description Where to `POST` (with `X-CSRF: 1`) to sign out: `/logout`, below BASE_PATH when the service is mounted under one.
             * @example /logout
             */
            logout_url: string;
        };
        FederatedLogout: {
            /**
             * Format: uri
             * @description `{COGNITO_DOMAIN}/logout?client_id=…&logout_uri={OAUTH_LOGOUT_URL}`.
             */
            logout_url: string;
        };
        SessionSummary: {
            /** @description Names the session for `DELETE /sessions/{id}`. Not the cookie. */
            id: string;
            /** @description The session this request was made with. */
            current: boolean;
            /** @description A readable device from the user agent, such as `Chrome on Android`. */
            device: string;
            user_agent: string;
            ip: string;
            created_at: number;
            /** @description Written at most once a minute. */
            last_seen_at: number;
            /** @description When it ends, by idleness or by its lifetime, whichever comes first. */
            expires_at: number;
        };
        Device: {
            /** @description Cognito's key for the device; names it to `PATCH` and `DELETE`. */
            key: string;
            /** @description What the device was called when confirmed, such as `Chrome on Linux`. */
            name: string | null;
            /** @description Sign-ins from it may skip MFA, as the pool says. */
            remembered: boolean;
            /** @description The device this request comes from. */
            current: boolean;
            created_at: number | null;
            /** @description Seconds since the epoch, as Cognito last saw the device authenticate. */
            last_used_at: number | null;
        };
        DeviceList: {
            devices: components["schemas"]["Device"][];
        };
        DeviceChange: {
            remembered: boolean;
        };
        /** @description A passkey's credential id, base64url without padding (1 to 1023 bytes). */
        CredentialId: string;
        PasskeyCreation: {
            /**
             * @description PublicKeyCredentialCreationOptionsJSON, as Cognito made it, for
             *     `PublicKeyCredential.parseCreationOptionsFromJSON()`.
             * @example {
             *       "challenge": "GW8pX0l1Hq3q0m5uWg3DkH2yQb7qzY1s9cJt0r4hUoA",
             *       "rp": {
             *         "id": "app.example.com",
             *         "name": "app.example.com"
             *       },
             *       "user": {
             *         "id": "ZjM2...",
             *         "name": "jin",
             *         "displayName": "jin"
             *       },
             *       "pubKeyCredParams": [
             *         {
             *           "type": "public-key",
             *           "alg": -7
             *         },
             *         {
             *           "type": "public-key",
             *           "alg": -257
             *         }
             *       ],
             *       "excludeCredentials": [],
             *       "authenticatorSelection": {
             *         "residentKey": "required",
             *         "requireResidentKey": true,
             *         "userVerification": "preferred"
             *       },
             *       "timeout": 60000
             *     }
             */
            creation_options: {
                [key: string]: unknown;
            };
        };
        PasskeyCompletion: {
            credential: components["schemas"]["RegistrationResponse"];
        };
        /**
         * @description The browser's RegistrationResponseJSON (`credential.toJSON()`), passed to Cognito as
         *     sent. Byte strings are base64url without padding. Members not named here pass
         *     through; the body's 16 KiB bounds them.
         */
        RegistrationResponse: {
            id: components["schemas"]["CredentialId"];
            /** @description The same as `id`. */
            rawId: string;
            /** @enum {string} */
            type: "public-key";
            response: {
                clientDataJSON: string;
                attestationObject: string;
                transports?: string[];
            };
            authenticatorAttachment?: string | null;
            clientExtensionResults?: Record<string, never>;
        };
        Passkey: {
            id: components["schemas"]["CredentialId"];
            /** @description Cognito's name for it, made from the authenticator. */
            name: string;
            /** @description The relying party it signs in to. */
            relying_party_id: string;
            /** @description `platform` or `cross-platform`, when the browser told. */
            attachment?: string;
            /** @description How a browser reaches the authenticator (`internal`, `usb`, `nfc`, `ble`, `hybrid`). */
            transports: string[];
            /** @description Seconds since the epoch. */
            created_at: number;
        };
        PasskeyList: {
            passkeys: components["schemas"]["Passkey"][];
        };
        SessionList: {
            sessions: components["schemas"]["SessionSummary"][];
        };
        SessionsEnded: {
            ended: number;
        };
        /**
         * @description Cognito wants a challenge answered. Answer it at `POST /challenge`, sending back the
         *     cookie set with this response.
         */
        ChallengePending: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            status: "challenge";
            next_step: components["schemas"]["ChallengeNextStep"];
            /**
             * @description Cognito's challenge name, passed through.
             * @enum {string}
             */
            challenge: "NEW_PASSWORD_REQUIRED" | "SOFTWARE_TOKEN_MFA" | "SMS_MFA" | "SMS_OTP" | "EMAIL_OTP" | "SELECT_MFA_TYPE" | "MFA_SETUP" | "CUSTOM_CHALLENGE" | "SELECT_CHALLENGE" | "WEB_AUTHN";
            parameters: components["schemas"]["ChallengeParameters"];
            /** @description `SELECT_CHALLENGE` only: the first factors the user may pick. */
            available_challenges?: ("PASSWORD" | "PASSWORD_SRP" | "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN")[];
            /**
             * @description A code or passkey step of choice-based sign-in: how to use another factor
             *     (Cognito keeps a sign-in to the factor picked, so: start again at `/login`).
             */
            switch_factor?: string;
        };
        /**
         * @description The client's next step for a pending challenge, named as Amplify names it:
         *
         *     | `next_step` | `challenge` |
         *     |---|---|
         *     | `CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED` | `NEW_PASSWORD_REQUIRED` |
         *     | `CONFIRM_SIGN_IN_WITH_TOTP_CODE` | `SOFTWARE_TOKEN_MFA` |
         *     | `CONFIRM_SIGN_IN_WITH_SMS_CODE` | `SMS_MFA`, `SMS_OTP` |
         *     | `CONFIRM_SIGN_IN_WITH_EMAIL_CODE` | `EMAIL_OTP` |
         *     | `CONTINUE_SIGN_IN_WITH_MFA_SELECTION` | `SELECT_MFA_TYPE` |
         *     | `CONTINUE_SIGN_IN_WITH_TOTP_SETUP` | `MFA_SETUP` (TOTP only) |
         *     | `CONTINUE_SIGN_IN_WITH_EMAIL_SETUP` | `MFA_SETUP` (email only) |
         *     | `CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION` | `MFA_SETUP` (TOTP or email) |
         *     | `CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE` | `CUSTOM_CHALLENGE` |
         *     | `CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION` | `SELECT_CHALLENGE` |
         *     | `CONFIRM_SIGN_IN_WITH_PASSWORD` | `SELECT_CHALLENGE`, a password factor picked |
         *     | `CONFIRM_SIGN_IN_WITH_PASSKEY` | `WEB_AUTHN` |
         *
         *     The other steps are `DONE` (tokens; a confirmed sign-up; a reset password),
         *     `CONFIRM_SIGN_UP` (`/signup`, and the problem `user_not_confirmed`),
         *     `RESET_PASSWORD` (the problem `password_reset_required`) and
         *     `CONFIRM_RESET_PASSWORD_WITH_CODE` (`/password/forgot`).
         * @enum {string}
         */
        ChallengeNextStep: "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED" | "CONFIRM_SIGN_IN_WITH_TOTP_CODE" | "CONFIRM_SIGN_IN_WITH_SMS_CODE" | "CONFIRM_SIGN_IN_WITH_EMAIL_CODE" | "CONTINUE_SIGN_IN_WITH_MFA_SELECTION" | "CONTINUE_SIGN_IN_WITH_TOTP_SETUP" | "CONTINUE_SIGN_IN_WITH_EMAIL_SETUP" | "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION" | "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE" | "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION" | "CONFIRM_SIGN_IN_WITH_PASSWORD" | "CONFIRM_SIGN_IN_WITH_PASSKEY";
        /**
         * @description Cognito's `ChallengeParameters` for the client. The server keeps `SECRET_BLOCK`,
         *     `SRP_B`, `SALT`, `USER_ID_FOR_SRP` and `USERNAME` to itself. `userAttributes` (JSON
         *     text at Cognito) is decoded into typed attributes. `requiredAttributes`,
         *     `MFAS_CAN_SETUP` and `MFAS_CAN_CHOOSE` (JSON text at Cognito) are decoded, into
         *     lists such as `["userAttributes.name"]` or `["SOFTWARE_TOKEN_MFA"]`. If one is not
         *     valid JSON, it is passed through as Cognito's text. Every other parameter is passed
         *     through as a string, for example `CODE_DELIVERY_DESTINATION`. The `MFA_SETUP` step
         *     from `POST /challenge/totp` has no parameters.
         */
        ChallengeParameters: {
            userAttributes?: components["schemas"]["TypedAttributes"] | string;
            requiredAttributes?: components["schemas"]["DecodedList"];
            MFAS_CAN_SETUP?: components["schemas"]["DecodedList"];
            MFAS_CAN_CHOOSE?: components["schemas"]["DecodedList"];
            /**
             * @description `WEB_AUTHN`: WebAuthn's PublicKeyCredentialRequestOptionsJSON (for
             *     `PublicKeyCredential.parseRequestOptionsFromJSON`), decoded from Cognito's text.
             */
            CREDENTIAL_REQUEST_OPTIONS?: {
                challenge: string;
            } & {
                [key: string]: unknown;
            };
        } & {
            [key: string]: string;
        };
        /** @description A list Cognito sends as JSON text, decoded; Cognito's text if it isn't valid JSON. */
        DecodedList: string[] | string;
        /** @description Cognito's tokens as issued. */
        Tokens: {
            /** @description Send it as `Authorization: Bearer <token>` to `/me`, `/password/change`, `/mfa/totp/*`, `/admin/users`, `/logout` and other services. */
            access_token: string;
            id_token: string | null;
            /** @description Null when Cognito issues none, as on `/token/refresh`. */
            refresh_token: string | null;
            /**
             * Format: int32
             * @description Seconds until the access token expires.
             */
            expires_in: number;
            /** @example Bearer */
            token_type: string;
        };
        /** @description A new TOTP secret for an authenticator app. It is shown once. */
        TotpSecret: {
            /**
             * Format: password
             * @description The shared secret, base32, as Cognito issued it. For manual entry.
             */
            secret: string;
            /**
             * @description `otpauth://totp/<issuer>:<name>?secret=<secret>&issuer=<issuer>`, the key URI
             *     authenticator apps read, usually from a QR code. `<issuer>` is TOTP_ISSUER;
             *     `<name>` is the name typed at `/login` during sign-in, or the access token's
             *     `username` at `/mfa/totp/setup`. Both are percent-encoded. Cognito's codes use the
             *     defaults (SHA-1, 6 digits, 30 seconds), so the URI names no algorithm, digits or
             *     period.
             */
            otpauth_uri: string;
            /**
             * @description `otpauth_uri` as a QR code, drawn by the service: an SVG document (black on white,
             *     error correction M, with its quiet zone), for a page to show as an image
             *     (`data:image/svg+xml,…`) without a QR library of its own.
             */
            qr_svg: string;
        };
        /**
         * @description The TOTP secret (see `TotpSecret`), together with the `MFA_SETUP` step it belongs to,
         *     pending under a new cookie. Answer it at `POST /challenge` with `TOTP_CODE`.
         */
        TotpSetupChallenge: {
            /**
             * Format: password
             * @description The shared secret, base32, as Cognito issued it.
             */
            secret: string;
            /** @description The key URI for authenticator apps (see `TotpSecret`). */
            otpauth_uri: string;
            /** @constant */
            status: "challenge";
            /** @constant */
            next_step: "CONTINUE_SIGN_IN_WITH_TOTP_SETUP";
            /** @constant */
            challenge: "MFA_SETUP";
            parameters: Record<string, never>;
        };
        ForgotPasswordRequest: {
            client_metadata?: components["schemas"]["ClientMetadata"];
            /** @description The username, or an alias the pool accepts, such as the email. */
            username: components["schemas"]["Username"];
        };
        ForgotPasswordResponse: {
            /** @constant */
            next_step: "CONFIRM_RESET_PASSWORD_WITH_CODE";
            /**
             * @description Where Cognito says the code went. Present only when the app client has
             *     PreventUserExistenceErrors set to `ENABLED`; then unknown users get a plausible
             *     destination too. Even then it is missing when Cognito refuses a known user, and
             *     for some unknown users (see `/password/forgot`).
             */
            code_delivery?: components["schemas"]["CodeDelivery"];
        };
        ResetPasswordRequest: {
            client_metadata?: components["schemas"]["ClientMetadata"];
            username: components["schemas"]["Username"];
            /**
             * Format: password
             * @description The reset code. Must not be empty or contain control characters.
             */
            code: string;
            new_password: components["schemas"]["Password"];
        };
        ResetPasswordResponse: {
            /** @constant */
            next_step: "DONE";
            /**
             * @description How many of the user's browser sessions ended (0 with
             *     END_OTHER_SESSIONS_ON_CHANGE=false). Absent when they could not be ended (the
             *     user could not be looked up with AdminGetUser, or the database failed): the
             *     password is reset all the same, and the cause is logged.
             */
            signed_out_others?: number;
        };
        CredentialChange: {
            /**
             * @description How many of the user's other browser sessions ended, their tokens refused on every
             *     replica (0 with END_OTHER_SESSIONS_ON_CHANGE=false).
             */
            signed_out_others: number;
            session?: components["schemas"]["SessionAfterChange"];
        };
        /**
         * @description Only when the request came with the session cookie. `renewed`: the same session under
         *     a new id, set by the answer's `Set-Cookie`; the old cookie names nothing now.
         *     `ended`: the session could not be given a new id in time and is over (the cookie is
         *     cleared); the change itself stands, and the user signs in again.
         * @enum {string}
         */
        SessionAfterChange: "renewed" | "ended";
        ChangePasswordRequest: {
            previous_password: components["schemas"]["Password"];
            proposed_password: components["schemas"]["Password"];
        };
        TotpVerifyRequest: {
            code: components["schemas"]["TotpCode"];
        };
        /** @description The current code from the authenticator app, exactly 6 digits. */
        TotpCode: string;
        TotpStatus: {
            enabled: boolean;
            preferred: boolean;
            /** @description With TOTP turned off: how many of the user's other browser sessions ended. */
            signed_out_others?: number;
            session?: components["schemas"]["SessionAfterChange"];
        };
        EmailMfaRequest: {
            /**
             * @description Whether email becomes the preferred MFA method, the one Cognito asks for when the
             *     user has several. `false` turns email on beside the preferred one (a backup).
             *     Unsaid: preferred only when no other MFA is.
             */
            preferred?: boolean;
        };
        PasskeyRegistered: {
            /** @constant */
            registered: true;
            session?: components["schemas"]["SessionAfterChange"];
        };
        PasskeyRemoved: {
            /** @constant */
            removed: true;
            /** @description How many of the user's other browser sessions ended. */
            signed_out_others?: number;
            session?: components["schemas"]["SessionAfterChange"];
        };
        EmailMfaStatus: {
            /** @description Whether email MFA is now on. */
            enabled: boolean;
            /** @description Whether it is now the preferred MFA method. */
            preferred: boolean;
            /** @description With email MFA turned off: how many of the user's other browser sessions ended. */
            signed_out_others?: number;
            session?: components["schemas"]["SessionAfterChange"];
        };
        CreateUserRequest: {
            username: components["schemas"]["Username"];
            /**
             * @description Optional (null is the same as absent). Without it, Cognito generates one. Cognito
             *     sends it in the invitation unless `suppress_message` is true. The same
             *     text rules as `password` apply.
             */
            temporary_password?: components["schemas"]["Password"] | null;
            attributes?: components["schemas"]["Attributes"];
            /**
             * @description How to send the invitation. If the list is empty (the default), Cognito's
             *     default (SMS) is used.
             * @default []
             */
            delivery: ("EMAIL" | "SMS")[];
            /**
             * @description Create the user without sending an invitation (MessageAction SUPPRESS).
             * @default false
             */
            suppress_message: boolean;
        };
        CreatedUser: {
            username: string;
            sub: string | null;
            /**
             * @description Cognito's user status, normally FORCE_CHANGE_PASSWORD.
             * @example FORCE_CHANGE_PASSWORD
             */
            status: string | null;
        };
        RefreshRequest: {
            /**
             * Format: password
             * @description Must not be empty or contain control characters. At most 8192 characters. Absent:
             *     the browser session the cookie names is refreshed.
             */
            refresh_token?: string | null;
            /**
             * @deprecated
             * @description Ignored. A refresh once needed the user's name to compute SECRET_HASH; the service
             *     now sends the client secret itself.
             */
            username?: unknown;
        };
        LogoutRequest: {
            /**
             * Format: password
             * @description The refresh token to revoke at Cognito.
             */
            refresh_token?: string | null;
            /**
             * @description Sign out every device of the user (needs a live bearer access token).
             * @default false
             */
            everywhere: boolean;
        };
        Me: {
            sub: string;
            /** @description The access token's `username` (Cognito's internal username). */
            username: string | null;
            /** @description The access token's `cognito:groups`. */
            groups: string[];
            scope: string | null;
            client_id: string;
            attributes: components["schemas"]["TypedAttributes"];
            mfa: components["schemas"]["MfaPreference"];
            /**
             * @description The ways the user can sign in, as GetUserAuthFactors lists them
             *     (`ConfiguredUserAuthFactors`), in Cognito's order: `PASSWORD` (a password, by
             *     either password challenge), `EMAIL_OTP` (a code mailed to them; Cognito lists it
             *     also when email MFA is on), `SMS_OTP` (a code texted to them), `WEB_AUTHN` (a
             *     passkey). TOTP is a second factor only, shown in `mfa`. `null` when Cognito could
             *     not be asked this time (the rest of the answer stands); ask again later.
             */
            sign_in_factors: ("PASSWORD" | "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN")[] | null;
        };
        /**
         * @description The second factors the user has turned on, and the one Cognito asks for first, from
         *     GetUser, named as Amplify's `fetchMFAPreference` names them.
         */
        MfaPreference: {
            enabled: ("TOTP" | "SMS" | "EMAIL")[];
            /** @enum {string|null} */
            preferred: "TOTP" | "SMS" | "EMAIL" | null;
        };
        UpdateMeRequest: {
            attributes: components["schemas"]["Attributes"];
        };
        UpdateMeResponse: {
            /** @description Where Cognito sent verification codes for a changed email or phone number. */
            code_deliveries: components["schemas"]["CodeDelivery"][];
        };
        Health: {
            /** @constant */
            status: "ok";
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "not_ready" | "draining";
            checks: {
                /** @enum {string} */
                database: "ok" | "unavailable";
                /**
                 * @description Whether the pool's signing keys have been fetched.
                 * @enum {string}
                 */
                jwks: "ok" | "not_loaded";
            };
        };
    };
    responses: {
        /**
         * @description The token (or session) is valid. The body is empty. `authorization` holds the access
         *     token to pass on: the bearer's own header as it came, or `Bearer <the session's access
         *     token>`. The identity is in the headers, all five always present: `x-auth-sub`, `x-auth-username`, `x-auth-scope` and
         *     `x-auth-client-id` as UTF-8, and `x-auth-groups` with each group name
         *     percent-encoded (so `,` only ever separates names) and joined by `,`. A token whose
         *     identity can't be sent that way (a control character in a claim) is refused with
         *     401, so a gateway never forwards a request with one of these headers missing.
         */
        Verified: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                /** @description The access token for the gateway to pass on. */
                authorization?: string;
                "x-auth-sub": components["headers"]["AuthSub"];
                "x-auth-username": components["headers"]["AuthUsername"];
                "x-auth-groups": components["headers"]["AuthGroups"];
                "x-auth-scope": components["headers"]["AuthScope"];
                "x-auth-client-id": components["headers"]["AuthClientId"];
                [name: string]: unknown;
            };
            content?: never;
        };
        /**
         * @description `missing_token` (no `Authorization: Bearer` header; `WWW-Authenticate: Bearer`) or
         *     `invalid_token` (the token failed a check, belongs to a signed-out session, or Cognito
         *     no longer accepts it; `WWW-Authenticate: Bearer error="invalid_token"`). The reason is
         *     logged at debug level only. With the session cookie instead: `no_session`.
         */
        BearerUnauthorized: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `no_session`: no session cookie, or it names no live session. Sign in again. */
        NoSession: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `missing_token` or `invalid_token` for a bearer token (see `BearerUnauthorized`), or
         *     `no_session` for a session cookie that names no live session.
         */
        BearerOrSessionUnauthorized: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description With the session cookie: `csrf_header_required` (no `X-CSRF: 1`) or
         *     `origin_not_allowed` (an `Origin` the service neither serves nor lists).
         */
        CsrfForbidden: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `payload_too_large`: the body is over 16384 bytes. */
        PayloadTooLarge: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:cognito-bff:problem:payload_too_large",
                 *       "title": "Payload too large",
                 *       "status": 413,
                 *       "detail": "the request body is larger than 16384 bytes",
                 *       "code": "payload_too_large",
                 *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `unsupported_media_type`: the request's Content-Type is not application/json. */
        UnsupportedMediaType: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:cognito-bff:problem:unsupported_media_type",
                 *       "title": "Unsupported media type",
                 *       "status": 415,
                 *       "detail": "the request body must be application/json",
                 *       "code": "unsupported_media_type",
                 *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `not_authorized`: Cognito refused the call. Examples are a sign-up on a pool that
         *     doesn't allow self sign-up, confirming a user who is already confirmed, and a wrong
         *     SECRET_HASH (the client secret is misconfigured).
         */
        NotAuthorized: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:cognito-bff:problem:not_authorized",
                 *       "title": "Not authorized",
                 *       "status": 403,
                 *       "detail": "User cannot be confirmed. Current status is CONFIRMED",
                 *       "code": "not_authorized",
                 *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Cognito refused the call: `not_authorized`, `user_not_confirmed`
         *     (`next_step: CONFIRM_SIGN_UP`) or `password_reset_required`
         *     (`next_step: RESET_PASSWORD`).
         */
        CognitoForbidden: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `recent_sign_in_required` (`next_step: SIGN_IN`): the user last proved who they are
         *     more than RECENT_SIGN_IN_SECONDS ago; sign in again, then repeat the request. Also
         *     `csrf_header_required` or `origin_not_allowed` for a cookie request that fails the
         *     CSRF checks.
         */
        RecentSignInRequired: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:cognito-bff:problem:recent_sign_in_required",
                 *       "title": "Recent sign-in required",
                 *       "status": 403,
                 *       "detail": "this change needs a recent sign-in; sign in again, then repeat it",
                 *       "code": "recent_sign_in_required",
                 *       "next_step": "SIGN_IN",
                 *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `recent_sign_in_required` (`next_step: SIGN_IN`): the user last proved who they are
         *     more than RECENT_SIGN_IN_SECONDS ago; sign in again, then repeat the request.
         *     `csrf_header_required` or `origin_not_allowed`: a cookie request that fails the CSRF
         *     checks. `passkeys_not_enabled`: the user pool doesn't allow `WEB_AUTHN` as a first
         *     factor (its SignInPolicy).
         */
        PasskeyForbidden: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `passkeys_not_configured`: the user pool allows passkeys but has no relying party
         *     (no WebAuthnConfiguration RelyingPartyId and no domain); the operator's to fix, with
         *     no `Retry-After`. Otherwise `cognito_unavailable` or `database_unavailable`, with
         *     `Retry-After: 5`.
         */
        PasskeyUnavailable: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `user_not_confirmed` (`next_step: CONFIRM_SIGN_UP`) or `password_reset_required`
         *     (`next_step: RESET_PASSWORD`).
         */
        SignInForbidden: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `user_not_found`: Cognito has no such user. */
        UserNotFound: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:cognito-bff:problem:user_not_found",
                 *       "title": "User not found",
                 *       "status": 404,
                 *       "detail": "No such user.",
                 *       "code": "user_not_found",
                 *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `too_many_requests`: Cognito throttled the call (`Retry-After: 5`), a limit was
         *     exceeded, or there were too many failed attempts (`Retry-After: 60`).
         */
        TooManyRequests: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:cognito-bff:problem:too_many_requests",
                 *       "title": "Too many requests",
                 *       "status": 429,
                 *       "detail": "Too many requests; try again later.",
                 *       "code": "too_many_requests",
                 *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `rate_limited`: one of this service's limits (see "Abuse limits" above).
         *     `Retry-After` says when the next request is allowed. Cognito was not called.
         *
         *     `too_many_requests`: Cognito throttled the call (`Retry-After: 5`), a limit was
         *     exceeded, or there were too many failed attempts (`Retry-After: 60`).
         */
        RateLimitedOrThrottled: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `rate_limited`: one of this service's limits (see "Abuse limits" above).
         *     `Retry-After` says when the next request is allowed. Cognito was not called.
         *
         *     `too_many_requests`: Cognito throttled the call (`Retry-After: 5`). Cognito's own
         *     limits and lock-outs are not passed on here (see the operation's description).
         */
        RateLimitedOrCognitoThrottled: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `internal_error`: an unexpected failure. The cause is only logged. */
        InternalError: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:cognito-bff:problem:internal_error",
                 *       "title": "Internal server error",
                 *       "status": 500,
                 *       "detail": "internal error",
                 *       "code": "internal_error",
                 *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `cognito_error`: Cognito answered with an error this service doesn't map (for
         *     example a Lambda trigger failure or a code delivery failure). `cognito_request_id` is
         *     included when Cognito sent one.
         */
        CognitoError: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `unsupported_challenge`: Cognito asked for a challenge this service doesn't carry
         *     (for example `DEVICE_SRP_AUTH`). Nothing is stored, and the client can't go on.
         *
         *     `cognito_error`: Cognito answered with an error this service doesn't map (for
         *     example a Lambda trigger failure). `cognito_request_id` is included when Cognito sent
         *     one.
         */
        SignInBadGateway: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `cognito_unavailable`: Cognito could not be reached or had a server fault. */
        CognitoUnavailable: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:cognito-bff:problem:cognito_unavailable",
                 *       "title": "Cognito unavailable",
                 *       "status": 503,
                 *       "detail": "Cognito is unavailable; try again later.",
                 *       "code": "cognito_unavailable",
                 *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `cognito_unavailable` (Cognito could not be reached or had a server fault) or
         *     `database_unavailable` (the database could not be reached). Both send
         *     `Retry-After: 5`.
         */
        ServiceUnavailable: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:cognito-bff:problem:database_unavailable",
                 *       "title": "Service unavailable",
                 *       "status": 503,
                 *       "detail": "the database is unavailable",
                 *       "code": "database_unavailable",
                 *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `cognito_timeout`: Cognito did not answer within COGNITO_TIMEOUT_SECONDS, retries
         *     included. `request_timeout`: the request as a whole took longer than
         *     REQUEST_TIMEOUT_SECONDS.
         */
        Timeout: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "urn:cognito-bff:problem:cognito_timeout",
                 *       "title": "Cognito timed out",
                 *       "status": 504,
                 *       "detail": "Cognito did not answer in time.",
                 *       "code": "cognito_timeout",
                 *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `not_found`: no such route. */
        NotFound: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `method_not_allowed`: the path exists but not with this method. */
        MethodNotAllowed: {
            headers: {
                "x-request-id": components["headers"]["XRequestId"];
                Allow: components["headers"]["Allow"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /**
         * @description `session`: the sign-in ends in a browser session (an HttpOnly cookie, never a token),
         *     whatever TOKEN_DELIVERY and the browser's `Origin` and `Sec-Fetch-Site` say (some CDNs
         *     strip both). A request can ask for a session, never for tokens: any other value gets
         *     `400 invalid_request` with `field: x-token-delivery`. The sign-in pages always send it.
         */
        XTokenDelivery: "session";
        /**
         * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
         *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
         *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
         *     Cognito uses both only when the app client has
         *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
         *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
         *     nothing reaches Cognito.
         */
        XUserContextData: string;
        /**
         * @description `1`. Required on requests that change state and are authenticated by the session
         *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
         *     another site can't pass.
         */
        XCsrf: "1";
        /**
         * @description Where the user pool tracks devices: the device an app signs in from, as the
         *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
         *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
         *     for a remembered one as the pool says. A handle that names no device of the user
         *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
         *     instead and never receive a handle.
         */
        DeviceHandle: string;
        /**
         * @description The pending challenge's id, for a client without a cookie jar: what the
         *     `Challenge-Handle` header of the previous answer held. When present it is used instead
         *     of the cookie. Browsers never receive it.
         */
        ChallengeHandle: string;
        /**
         * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
         *     absent or anything else, the server generates a UUID v4.
         */
        RequestId: string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description With `status: challenge`, to a request that is not from a browser (it has no
         *     `Sec-Fetch-Site` or `Origin`): the pending challenge's id, to send back as the `Challenge-Handle`
         *     request header instead of the cookie.
         */
        ChallengeHandle: string;
        /**
         * @description The request's `x-request-id`, or the one the server generated.
         * @example 6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44
         */
        XRequestId: string;
        /**
         * @description Seconds to wait before trying again.
         * @example 5
         */
        RetryAfter: number;
        /** @description Always `no-store`. Tokens and challenge cookies must not be cached. */
        CacheControlNoStore: "no-store";
        /** @description `Bearer` for `missing_token`, `Bearer error="invalid_token"` for `invalid_token`. */
        WwwAuthenticate: "Bearer" | "Bearer error=\"invalid_token\"";
        /**
         * @description The methods the path supports.
         * @example POST
         */
        Allow: string;
        /**
         * @description Present when `status` is `challenge`. It sets the challenge cookie:
         *     `__Host-cognito-bff-challenge=<id>; HttpOnly; SameSite=Strict; Secure; Path=/;
         *     Max-Age=<seconds>` (with COOKIE_SECURE=false: `cognito-bff-challenge=<id>` without
         *     `Secure`). `Max-Age` is the challenge's remaining validity, which at first is
         *     CHALLENGE_TTL_SECONDS (default 180).
         *
         *     With `status: authenticated`, it clears a well-formed challenge cookie the request
         *     still carried from an earlier sign-in (empty value, `Max-Age=0`), and when the answer
         *     is a `session` a second `Set-Cookie` sets the session cookie (see `sessionCookie`).
         * @example __Host-cognito-bff-challenge=q0Zx2k4m7yTqC7gk0m1fV0bq2cQ3r9Hk8a1sTnXw4eU; HttpOnly; SameSite=Strict; Secure; Path=/; Max-Age=180
         */
        SetChallengeCookie: string;
        /**
         * @description Always present on a 200 here. When `status` is `challenge`, it sets a new challenge
         *     cookie for the next challenge (see `/login`). When `status` is `authenticated`, it
         *     clears the cookie with an empty value and `Max-Age=0`, and a `session` answer sets the
         *     session cookie too (see `sessionCookie`).
         * @example __Host-cognito-bff-challenge=; HttpOnly; SameSite=Strict; Secure; Path=/; Max-Age=0
         */
        SetOrClearChallengeCookie: string;
        /**
         * @description Present when the request carried a well-formed challenge cookie. It clears the cookie
         *     (empty value, `Max-Age=0`).
         * @example __Host-cognito-bff-challenge=; HttpOnly; SameSite=Strict; Secure; Path=/; Max-Age=0
         */
        ClearChallengeCookie: string;
        /**
         * @description Present when this refusal ended the challenge (see the operation's description) and
         *     the request carried a well-formed challenge cookie. It clears the cookie (empty value,
         *     `Max-Age=0`). A refusal that leaves the challenge usable sends no `Set-Cookie`.
         * @example __Host-cognito-bff-challenge=; HttpOnly; SameSite=Strict; Secure; Path=/; Max-Age=0
         */
        ClearEndedChallengeCookie: string;
        /** @description The token's `sub`. */
        AuthSub: string;
        /** @description The token's `username`, or its `sub` when it has none. */
        AuthUsername: string;
        /**
         * @description The token's `cognito:groups`, each percent-encoded (`,` as `%2C`, `%` as `%25`, a
         *     space as `%20`, control and non-ASCII characters as UTF-8 escapes) and joined by `,`
         *     (empty when none). Split on `,`, then percent-decode each name.
         */
        AuthGroups: string;
        /** @description The token's `scope` (empty when none). */
        AuthScope: string;
        /** @description The token's `client_id`. */
        AuthClientId: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    signUp: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "jin",
                 *       "password": "Corr3ct-Horse",
                 *       "attributes": {
                 *         "email": "jin@example.com",
                 *         "birthdate": "1990-02-28",
                 *         "updated_at": 1700000000,
                 *         "custom:tier": 3
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["SignUpRequest"];
            };
        };
        responses: {
            /** @description The user was created. */
            201: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "user_sub": "0f8fad5b-d9cb-469f-a165-70867728950e",
                     *       "confirmed": false,
                     *       "next_step": "CONFIRM_SIGN_UP",
                     *       "code_delivery": {
                     *         "medium": "EMAIL",
                     *         "destination": "j***@e***"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["SignUpResponse"];
                };
            };
            /**
             * @description `invalid_request` (with `field`), `invalid_attribute` (with `attribute`),
             *     `attribute_not_writable` (with `attribute`: not in WRITABLE_ATTRIBUTES),
             *     `invalid_password` (the password policy refused it) or `invalid_parameter`
             *     (Cognito refused a value, for example a missing required attribute).
             */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            403: components["responses"]["NotAuthorized"];
            /** @description `username_exists`, or `alias_exists`: the username or an alias is taken. */
            409: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitedOrThrottled"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    confirmSignUp: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "jin",
                 *       "code": "123456"
                 *     }
                 */
                "application/json": components["schemas"]["ConfirmRequest"];
            };
        };
        responses: {
            /**
             * @description The user is confirmed and can sign in. With `next_step: COMPLETE_AUTO_SIGN_IN`
             *     (COGNITO_AUTH_FLOW=USER_AUTH) the sign-in the confirmation earned waits behind
             *     the challenge cookie (and, for a client that is not a browser, the
             *     `Challenge-Handle`): `POST /signup/auto-sign-in` finishes it.
             */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Challenge-Handle": components["headers"]["ChallengeHandle"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    "Set-Cookie": components["headers"]["SetChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "confirmed": true,
                     *       "next_step": "DONE"
                     *     }
                     */
                    "application/json": components["schemas"]["ConfirmResponse"];
                };
            };
            /**
             * @description `invalid_request` (with `field`), `code_mismatch` (wrong code), `code_expired`
             *     (ask for a new one at `/signup/resend`) or `invalid_parameter`.
             */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            403: components["responses"]["NotAuthorized"];
            404: components["responses"]["UserNotFound"];
            /** @description `alias_exists`: another user already has this email or phone number as an alias. */
            409: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitedOrThrottled"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    autoSignIn: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
                /**
                 * @description `session`: the sign-in ends in a browser session (an HttpOnly cookie, never a token),
                 *     whatever TOKEN_DELIVERY and the browser's `Origin` and `Sec-Fetch-Site` say (some CDNs
                 *     strip both). A request can ask for a session, never for tokens: any other value gets
                 *     `400 invalid_request` with `field: x-token-delivery`. The sign-in pages always send it.
                 */
                "x-token-delivery"?: components["parameters"]["XTokenDelivery"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {} */
                "application/json": components["schemas"]["AutoSignInRequest"];
            };
        };
        responses: {
            /** @description Signed in, or a challenge is pending. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Challenge-Handle": components["headers"]["ChallengeHandle"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    "Set-Cookie": components["headers"]["SetChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignInResponse"];
                };
            };
            /** @description `invalid_request` (with `field`): the body. */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `challenge_expired`: no such sign-in (used, expired, or no cookie or handle). */
            401: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Set-Cookie": components["headers"]["ClearChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `origin_not_allowed`, or a Cognito refusal (`not_authorized`). */
            403: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitedOrThrottled"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    resendConfirmationCode: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "jin"
                 *     }
                 */
                "application/json": components["schemas"]["ResendRequest"];
            };
        };
        responses: {
            /** @description Cognito sent a new code. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code_delivery": {
                     *         "medium": "EMAIL",
                     *         "destination": "j***@e***"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ResendResponse"];
                };
            };
            /** @description `invalid_request` (with `field`), or `invalid_parameter` (for example the user is already confirmed). */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            403: components["responses"]["NotAuthorized"];
            404: components["responses"]["UserNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitedOrThrottled"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
                /**
                 * @description `session`: the sign-in ends in a browser session (an HttpOnly cookie, never a token),
                 *     whatever TOKEN_DELIVERY and the browser's `Origin` and `Sec-Fetch-Site` say (some CDNs
                 *     strip both). A request can ask for a session, never for tokens: any other value gets
                 *     `400 invalid_request` with `field: x-token-delivery`. The sign-in pages always send it.
                 */
                "x-token-delivery"?: components["parameters"]["XTokenDelivery"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Signed in, or a challenge is pending. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Challenge-Handle": components["headers"]["ChallengeHandle"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    "Set-Cookie": components["headers"]["SetChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignInResponse"];
                };
            };
            /** @description `invalid_request` (with `field`), or `invalid_parameter` (for example the flow in COGNITO_AUTH_FLOW is not enabled for the app client). */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `invalid_credentials`: wrong password, or no such user. */
            401: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            403: components["responses"]["SignInForbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitedOrThrottled"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["SignInBadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    respondToChallenge: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
                /**
                 * @description `session`: the sign-in ends in a browser session (an HttpOnly cookie, never a token),
                 *     whatever TOKEN_DELIVERY and the browser's `Origin` and `Sec-Fetch-Site` say (some CDNs
                 *     strip both). A request can ask for a session, never for tokens: any other value gets
                 *     `400 invalid_request` with `field: x-token-delivery`. The sign-in pages always send it.
                 */
                "x-token-delivery"?: components["parameters"]["XTokenDelivery"];
                /**
                 * @description The pending challenge's id, for a client without a cookie jar: what the
                 *     `Challenge-Handle` header of the previous answer held. When present it is used instead
                 *     of the cookie. Browsers never receive it.
                 */
                "challenge-handle"?: components["parameters"]["ChallengeHandle"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChallengeRequest"];
            };
        };
        responses: {
            /**
             * @description Signed in (the cookie is cleared), or a further challenge is pending (a new cookie
             *     is set).
             */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Challenge-Handle": components["headers"]["ChallengeHandle"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    "Set-Cookie": components["headers"]["SetOrClearChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignInResponse"];
                };
            };
            /**
             * @description `invalid_request` (`field` names the answer, for example
             *     `responses.NEW_PASSWORD` when it is not a string, empty, longer than 256
             *     characters or holds control characters; `responses.TOTP_CODE` or
             *     `responses.SOFTWARE_TOKEN_MFA_CODE` when it is not 6 digits; other `*_CODE`
             *     answers over 64 characters, any other answer over 2048; `challenge` over 64),
             *     `invalid_attribute` (a `userAttributes.*` answer of the wrong type),
             *     `attribute_not_writable` (a `userAttributes.*` answer Cognito did not list in
             *     `requiredAttributes`) or `duplicate_cookie` (two challenge cookies arrived; the
             *     cookie is cleared). These are found before Cognito is asked, and they don't
             *     count as attempts.
             *
             *     `invalid_password`, `invalid_parameter`, `code_mismatch` and `code_expired` are
             *     Cognito's verdict on the answer. Each counts as a failed attempt. The fifth ends
             *     the challenge, and its response clears the cookie.
             */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Set-Cookie": components["headers"]["ClearEndedChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `challenge_expired`: there is no cookie, or the challenge has expired, was
             *     already answered, ran out of attempts, or Cognito says its session is dead. Sign in
             *     again. If the request carried a well-formed challenge cookie, the response clears
             *     it.
             */
            401: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Set-Cookie": components["headers"]["ClearChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `origin_not_allowed`: the request has an `Origin` header that is neither the
             *     service's own origin (matching the `Host` header) nor in ALLOWED_ORIGINS. The
             *     challenge is not touched.
             *
             *     `user_not_confirmed` (`next_step: CONFIRM_SIGN_UP`) or `password_reset_required`
             *     (`next_step: RESET_PASSWORD`): Cognito's answer. The challenge is deleted, and the
             *     cookie cleared.
             */
            403: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Set-Cookie": components["headers"]["ClearEndedChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `user_not_found`: Cognito has no such user. The challenge is deleted, and the
             *     cookie cleared.
             */
            404: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Set-Cookie": components["headers"]["ClearEndedChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "urn:cognito-bff:problem:user_not_found",
                     *       "title": "User not found",
                     *       "status": 404,
                     *       "detail": "No such user.",
                     *       "code": "user_not_found",
                     *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `challenge_in_progress`: another request is answering this challenge right now.
             *     `challenge_mismatch`: the request's `challenge` differs from the pending one.
             *     `username_exists` or `alias_exists`: Cognito refused an attribute change.
             *     None of these uses up the challenge.
             */
            409: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /**
             * @description `rate_limited`: this service's per-IP limit. `Retry-After` says when the next
             *     request is allowed. Neither Cognito nor the challenge was touched.
             *
             *     `too_many_requests`: Cognito throttled the call (`Retry-After: 5`) or a limit was
             *     exceeded (`Retry-After: 60`); the challenge stays usable. Or Cognito saw too many
             *     failed attempts (`Retry-After: 60`): the challenge is deleted, and the cookie cleared.
             */
            429: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    "Set-Cookie": components["headers"]["ClearEndedChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            500: components["responses"]["InternalError"];
            /**
             * @description `unsupported_challenge`: Cognito accepted the answer but asked next for a challenge
             *     this service doesn't carry (for example `DEVICE_SRP_AUTH`). The answered challenge
             *     is consumed, nothing new is stored, the cookie is cleared, and the client can't go
             *     on.
             *
             *     `cognito_error`: Cognito answered with an error this service doesn't map (for
             *     example a Lambda trigger failure), or answered incompletely (for example
             *     VerifySoftwareToken without a status). `cognito_request_id` is included when
             *     Cognito sent one. The challenge stays usable.
             */
            502: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Set-Cookie": components["headers"]["ClearEndedChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `challenge_unavailable`: this replica can't decrypt the pending challenge (replicas
             *     with different SESSION_ENCRYPTION_KEY, or a key rotation under way). The challenge
             *     is left as it was, for a replica that can; try again after `Retry-After`.
             *
             *     `cognito_unavailable` (Cognito could not be reached or had a server fault; the
             *     challenge stays usable) or `database_unavailable` (the database could not be
             *     reached; if the answered challenge had already been consumed, the cookie is
             *     cleared).
             *
             *     All three send `Retry-After: 5`.
             */
            503: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    "Set-Cookie": components["headers"]["ClearEndedChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            504: components["responses"]["Timeout"];
        };
    };
    startTotpSetup: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `session`: the sign-in ends in a browser session (an HttpOnly cookie, never a token),
                 *     whatever TOKEN_DELIVERY and the browser's `Origin` and `Sec-Fetch-Site` say (some CDNs
                 *     strip both). A request can ask for a session, never for tokens: any other value gets
                 *     `400 invalid_request` with `field: x-token-delivery`. The sign-in pages always send it.
                 */
                "x-token-delivery"?: components["parameters"]["XTokenDelivery"];
                /**
                 * @description The pending challenge's id, for a client without a cookie jar: what the
                 *     `Challenge-Handle` header of the previous answer held. When present it is used instead
                 *     of the cookie. Browsers never receive it.
                 */
                "challenge-handle"?: components["parameters"]["ChallengeHandle"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The TOTP secret, and the `MFA_SETUP` step under a new cookie. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Challenge-Handle": components["headers"]["ChallengeHandle"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    /**
                     * @description Always present. It sets a new challenge cookie for the same `MFA_SETUP` step
                     *     (see `/login`), with `Max-Age` CHALLENGE_TTL_SECONDS. The request's cookie no
                     *     longer works.
                     * @example __Host-cognito-bff-challenge=Hn2Wq8eT5yU1iO7pA4sD9fG3hJ6kL0zXcV8bN2mQw1E; HttpOnly; SameSite=Strict; Secure; Path=/; Max-Age=180
                     */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TotpSetupChallenge"];
                };
            };
            /**
             * @description `invalid_parameter`: Cognito refused to start TOTP set-up. It counts as a failed
             *     attempt. The fifth ends the challenge, and its response clears the cookie.
             */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Set-Cookie": components["headers"]["ClearEndedChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `challenge_expired`: there is no cookie, or the challenge has expired, was
             *     already answered, ran out of attempts, or Cognito says its session is dead. Sign in
             *     again. If the request carried a well-formed challenge cookie, the response clears
             *     it.
             */
            401: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Set-Cookie": components["headers"]["ClearChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `origin_not_allowed`: the request has an `Origin` header that is neither the
             *     service's own origin nor in ALLOWED_ORIGINS. The challenge is not touched.
             *
             *     `user_not_confirmed` (`next_step: CONFIRM_SIGN_UP`) or `password_reset_required`
             *     (`next_step: RESET_PASSWORD`): Cognito's answer. The challenge is deleted, and the
             *     cookie cleared.
             */
            403: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Set-Cookie": components["headers"]["ClearEndedChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `user_not_found`: Cognito has no such user. The challenge is deleted, and the
             *     cookie cleared.
             */
            404: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Set-Cookie": components["headers"]["ClearEndedChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "urn:cognito-bff:problem:user_not_found",
                     *       "title": "User not found",
                     *       "status": 404,
                     *       "detail": "No such user.",
                     *       "code": "user_not_found",
                     *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `challenge_mismatch`: the pending challenge is not `MFA_SETUP`.
             *     `challenge_in_progress`: another request is using this challenge right now.
             *     Neither uses up the challenge.
             */
            409: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `rate_limited`: this service's per-IP limit. `Retry-After` says when the next
             *     request is allowed. Neither Cognito nor the challenge was touched.
             *
             *     `too_many_requests`: Cognito throttled the call (`Retry-After: 5`) or a limit was
             *     exceeded (`Retry-After: 60`); the challenge stays usable. Or Cognito saw too many
             *     failed attempts (`Retry-After: 60`): the challenge is deleted, and the cookie cleared.
             */
            429: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    "Set-Cookie": components["headers"]["ClearEndedChallengeCookie"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            /**
             * @description `challenge_unavailable` (this replica can't decrypt the pending challenge; it is
             *     left as it was), `cognito_unavailable` or `database_unavailable`. All three send
             *     `Retry-After: 5`.
             */
            503: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            504: components["responses"]["Timeout"];
        };
    };
    refreshTokens: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `session`: the sign-in ends in a browser session (an HttpOnly cookie, never a token),
                 *     whatever TOKEN_DELIVERY and the browser's `Origin` and `Sec-Fetch-Site` say (some CDNs
                 *     strip both). A request can ask for a session, never for tokens: any other value gets
                 *     `400 invalid_request` with `field: x-token-delivery`. The sign-in pages always send it.
                 */
                "x-token-delivery"?: components["parameters"]["XTokenDelivery"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "refresh_token": "eyJjdHkiOiJKV1QiLCJlbmMiOi..."
                 *     }
                 */
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description New tokens. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "authenticated",
                     *       "next_step": "DONE",
                     *       "tokens": {
                     *         "access_token": "eyJraWQiOiJ...",
                     *         "id_token": "eyJraWQiOiJ...",
                     *         "refresh_token": null,
                     *         "expires_in": 3600,
                     *         "token_type": "Bearer"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Authenticated"];
                };
            };
            /** @description `invalid_request` (with `field`), or `invalid_parameter`. */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `invalid_refresh_token`: Cognito refused the refresh token (revoked, expired,
             *     rotated away past the grace period), or the token's sign-in was signed out. Sign in
             *     again.
             *
             *     `no_session`: with the session cookie, the cookie names no live session.
             */
            401: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            403: components["responses"]["CognitoForbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitedOrThrottled"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["LogoutRequest"];
            };
        };
        responses: {
            /**
             * @description A federated browser session ended; its cookie is cleared. Send the browser to
             *     `logout_url` to end the pool's managed-login session too.
             */
            200: {
                headers: {
                    /** @description Clears the session cookie (empty value, `Max-Age=0`). */
                    "Set-Cookie"?: string;
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "logout_url": "https://auth.example.com/logout?client_id=1example23456789&logout_uri=https%3A%2F%2Fapp.example.com%2Fsigned-out"
                     *     }
                     */
                    "application/json": components["schemas"]["FederatedLogout"];
                };
            };
            /** @description Signed out. */
            204: {
                headers: {
                    /** @description With the session cookie, it clears that cookie (empty value, `Max-Age=0`). */
                    "Set-Cookie"?: string;
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `invalid_request`: no token at all, or a malformed body or `refresh_token` (see `field`). */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `missing_token`: `everywhere` without a bearer access token. `invalid_token`: the
             *     bearer token failed a check other than expiry; with `everywhere`, it is expired or
             *     signed out. `no_session`: `everywhere` with a session cookie that names no live
             *     session (the cookie is cleared).
             */
            401: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            403: components["responses"]["CognitoForbidden"];
            404: components["responses"]["UserNotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitedOrThrottled"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    federatedStart: {
        parameters: {
            query?: {
                /**
                 * @description One of FEDERATED_PROVIDERS, exactly (the pool's name for the provider). Absent or
                 *     empty: managed login's own page, which lists what the app client allows.
                 */
                provider?: string;
                /**
                 * @description Where the browser goes once signed in: one of UI_RETURN_URLS or below one. Absent:
                 *     the sign-in pages' `/ui/` when UI is on; required when it is off.
                 */
                return_to?: string;
            };
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the pool's authorize endpoint. */
            302: {
                headers: {
                    /** @description `{COGNITO_DOMAIN}/oauth2/authorize?response_type=code&client_id=…&redirect_uri=…&scope=…&state=…&nonce=…&code_challenge=…&code_challenge_method=S256[&identity_provider=…]` */
                    Location?: string;
                    /** @description `__Host-cognito-bff-oauth=…; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=600` (without `Secure` and the prefix when COOKIE_SECURE=false). Lax: it must come back with the callback, a navigation from the pool's domain. */
                    "Set-Cookie"?: string;
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `invalid_request`: `provider` is not one of FEDERATED_PROVIDERS, `return_to` is not allowed or over 2048 characters, or `Sec-Fetch-Dest` is not `document` (see `field`). */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                    "text/html": string;
                };
            };
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimitedOrThrottled"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    federatedCallback: {
        parameters: {
            query?: {
                code?: string;
                state?: string;
                error?: string;
                /** @description Ignored. */
                error_description?: string;
            };
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description Signed in: a page of this service that goes on to `return_to` at once (a
             *     `<meta http-equiv="refresh">`, and a link). Not a 302: the callback ends a chain of
             *     redirects the pool's domain began, and browsers keep a SameSite=Strict session
             *     cookie off every navigation of such a chain; one this page starts carries it.
             */
            200: {
                headers: {
                    "Referrer-Policy"?: "no-referrer";
                    /** @description The new session cookie, as after `/login`, and the flow's cookie cleared. */
                    "Set-Cookie"?: string;
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description `oauth_state_invalid`, `oauth_code_invalid`, or `invalid_request` (a parameter given twice, too long, with control characters, or no `code`). */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "urn:cognito-bff:problem:oauth_state_invalid",
                     *       "title": "Sign-in not recognised",
                     *       "status": 400,
                     *       "detail": "this sign-in with an identity provider has expired, was already used, or was not started in this browser; start again",
                     *       "code": "oauth_state_invalid",
                     *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                    "text/html": string;
                };
            };
            /** @description `oauth_access_denied`: the user cancelled, or the provider refused. */
            403: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                    "text/html": string;
                };
            };
            404: components["responses"]["NotFound"];
            429: components["responses"]["RateLimitedOrThrottled"];
            500: components["responses"]["InternalError"];
            /** @description `oauth_provider_error`, `oauth_token_invalid` or `oauth_unavailable`. */
            502: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                    "text/html": string;
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            /** @description `oauth_timeout`, or `request_timeout`. */
            504: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                    "text/html": string;
                };
            };
        };
    };
    getSession: {
        parameters: {
            query?: {
                /** @description `true` counts this read as activity. */
                extend?: "true" | "false";
            };
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionView"];
                };
            };
            401: components["responses"]["NoSession"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    listSessions: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sessions. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionList"];
                };
            };
            401: components["responses"]["BearerOrSessionUnauthorized"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    endOtherSessions: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description How many sessions ended. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionsEnded"];
                };
            };
            401: components["responses"]["BearerOrSessionUnauthorized"];
            403: components["responses"]["CsrfForbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    endSession: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description A session's `id` from `GET /sessions`. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ended. */
            204: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["BearerOrSessionUnauthorized"];
            403: components["responses"]["CsrfForbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    listDevices: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The devices. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceList"];
                };
            };
            401: components["responses"]["BearerOrSessionUnauthorized"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    forgetDevice: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path: {
                /** @description A device's `key` from `GET /me/devices`. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Forgotten. */
            204: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["BearerOrSessionUnauthorized"];
            403: components["responses"]["CsrfForbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    updateDevice: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
                /**
                 * @description Where the user pool tracks devices: the device an app signs in from, as the
                 *     `device_handle` of the answer that confirmed it. Sent on every sign-in step and
                 *     refresh; Cognito refreshes only for the device a sign-in was issued to, and skips MFA
                 *     for a remembered one as the pool says. A handle that names no device of the user
                 *     signing in is ignored (a new device is confirmed). Browsers use the device cookie
                 *     instead and never receive a handle.
                 */
                "device-handle"?: components["parameters"]["DeviceHandle"];
            };
            path: {
                /** @description A device's `key` from `GET /me/devices`. */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeviceChange"];
            };
        };
        responses: {
            /** @description Changed. */
            204: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `invalid_request`: the body is not `{"remembered": true|false}`. */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["BearerOrSessionUnauthorized"];
            403: components["responses"]["RecentSignInRequired"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    listPasskeys: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The passkeys. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasskeyList"];
                };
            };
            401: components["responses"]["BearerOrSessionUnauthorized"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    startPasskeyRegistration: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The creation options. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasskeyCreation"];
                };
            };
            401: components["responses"]["BearerOrSessionUnauthorized"];
            403: components["responses"]["PasskeyForbidden"];
            /** @description `passkey_limit_reached`: the user has as many passkeys as Cognito keeps (20). */
            409: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["PasskeyUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    completePasskeyRegistration: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasskeyCompletion"];
            };
        };
        responses: {
            /**
             * @description Registered. A session this request came with gets a new id (`session`), as after
             *     any change of factors.
             */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "registered": true
                     *     }
                     */
                    "application/json": components["schemas"]["PasskeyRegistered"];
                };
            };
            /**
             * @description `invalid_request`: the body or the credential's shape is wrong (`field`, for
             *     example `credential.response.attestationObject`). Cognito's refusals of the
             *     passkey: `passkey_origin_not_allowed` (made on a page whose origin the relying
             *     party id doesn't cover), `passkey_relying_party_mismatch` (made for another
             *     relying party), `passkey_not_supported` (an algorithm or attestation Cognito
             *     doesn't take), `passkey_rejected` (the attestation failed, or the passkey is
             *     registered already).
             */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["BearerOrSessionUnauthorized"];
            403: components["responses"]["PasskeyForbidden"];
            /**
             * @description `passkey_registration_not_found`: no registration waits for this credential
             *     (none started, expired, already answered, or the credential answers another
             *     challenge); start again at `POST /me/passkeys`. `passkey_client_mismatch`: it was
             *     started through another app client. `passkey_limit_reached`: the user has as many
             *     passkeys as Cognito keeps.
             */
            409: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["PasskeyUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    deletePasskey: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description A passkey's `id` from `GET /me/passkeys`. */
                id: components["schemas"]["CredentialId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description Removed. The user's other browser sessions end (unless
             *     END_OTHER_SESSIONS_ON_CHANGE=false): whoever signed in with the passkey is signed
             *     out. A session this request came with gets a new id.
             */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "removed": true,
                     *       "signed_out_others": 1
                     *     }
                     */
                    "application/json": components["schemas"]["PasskeyRemoved"];
                };
            };
            401: components["responses"]["BearerOrSessionUnauthorized"];
            403: components["responses"]["RecentSignInRequired"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    forgotPassword: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "jin"
                 *     }
                 */
                "application/json": components["schemas"]["ForgotPasswordRequest"];
            };
        };
        responses: {
            /** @description A code was sent, if the account exists and can receive one. */
            202: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ForgotPasswordResponse"];
                };
            };
            /** @description `invalid_request` (with `field`). */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitedOrCognitoThrottled"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    resetPassword: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description What Cognito's browser collector gathered (its `EncodedData`), passed on to Cognito as
                 *     `UserContextData.EncodedData` for threat protection, beside `IpAddress`: the client's
                 *     address as the service derives it (through TRUSTED_PROXIES only, else the peer's).
                 *     Cognito uses both only when the app client has
                 *     `EnablePropagateAdditionalUserContextData`. 1 to 8192 visible ASCII characters;
                 *     anything else gets `400 invalid_request` with `field: x-user-context-data`, and
                 *     nothing reaches Cognito.
                 */
                "x-user-context-data"?: components["parameters"]["XUserContextData"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "jin",
                 *       "code": "123456",
                 *       "new_password": "N3w-Passw0rd"
                 *     }
                 */
                "application/json": components["schemas"]["ResetPasswordRequest"];
            };
        };
        responses: {
            /** @description The password is set. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "next_step": "DONE"
                     *     }
                     */
                    "application/json": components["schemas"]["ResetPasswordResponse"];
                };
            };
            /**
             * @description `invalid_request` (with `field`), `code_mismatch` (a wrong or expired code, no such
             *     user, or Cognito's lock-out after too many wrong codes), `invalid_password` or
             *     `invalid_parameter`.
             */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            403: components["responses"]["SignInForbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitedOrCognitoThrottled"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "previous_password": "N3w-Passw0rd",
                 *       "proposed_password": "Newer-Passw0rd"
                 *     }
                 */
                "application/json": components["schemas"]["ChangePasswordRequest"];
            };
        };
        responses: {
            /**
             * @description The password is changed. The user's other browser sessions are ended and their
             *     tokens refused here on every replica (unless END_OTHER_SESSIONS_ON_CHANGE=false);
             *     a session this request came with gets a new id.
             */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "signed_out_others": 2,
                     *       "session": "renewed"
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialChange"];
                };
            };
            /**
             * @description `invalid_request` (with `field`), `incorrect_password` (with
             *     `field: previous_password`), `invalid_password` (the pool's policy refused the
             *     proposed password) or `invalid_parameter`.
             */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["BearerUnauthorized"];
            403: components["responses"]["SignInForbidden"];
            /**
             * @description `federated_user`: the user signs in through an identity provider (a browser session
             *     from `/oauth/callback`, or an access token of a member of Cognito's
             *     `{user pool id}_{provider}` group); the provider keeps their password. Nothing is
             *     sent to Cognito.
             */
            409: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitedOrThrottled"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "sub": "0f8fad5b-d9cb-469f-a165-70867728950e",
                     *       "username": "jin",
                     *       "groups": [],
                     *       "scope": "aws.cognito.signin.user.admin",
                     *       "client_id": "3n4b5urk1ft4fl3mg5e62d9ado",
                     *       "attributes": {
                     *         "sub": "0f8fad5b-d9cb-469f-a165-70867728950e",
                     *         "email": "jin@example.com",
                     *         "email_verified": true,
                     *         "birthdate": "1990-02-28",
                     *         "updated_at": 1700000000
                     *       },
                     *       "mfa": {
                     *         "enabled": [
                     *           "EMAIL"
                     *         ],
                     *         "preferred": "EMAIL"
                     *       },
                     *       "sign_in_factors": [
                     *         "PASSWORD",
                     *         "EMAIL_OTP"
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Me"];
                };
            };
            401: components["responses"]["BearerUnauthorized"];
            403: components["responses"]["SignInForbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    updateMe: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "attributes": {
                 *         "nickname": "jinny",
                 *         "updated_at": 1700000100
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["UpdateMeRequest"];
            };
        };
        responses: {
            /** @description The attributes were changed. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code_deliveries": []
                     *     }
                     */
                    "application/json": components["schemas"]["UpdateMeResponse"];
                };
            };
            /**
             * @description `invalid_request` (with `field`; for example `attributes` is empty),
             *     `invalid_attribute` (with `attribute`), `attribute_not_writable` (with
             *     `attribute`: not in WRITABLE_ATTRIBUTES), or `invalid_parameter` (for example an
             *     attribute that is not mutable).
             */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["BearerUnauthorized"];
            403: components["responses"]["RecentSignInRequired"];
            /** @description `alias_exists`: another user has this email or phone number as an alias. */
            409: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    setupTotp: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The secret. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSW",
                     *       "otpauth_uri": "otpauth://totp/cognito-bff:jin?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSW&issuer=cognito-bff"
                     *     }
                     */
                    "application/json": components["schemas"]["TotpSecret"];
                };
            };
            /** @description `invalid_parameter`: Cognito refused to start TOTP set-up. */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["BearerUnauthorized"];
            403: components["responses"]["RecentSignInRequired"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    verifyTotp: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "code": "123456"
                 *     }
                 */
                "application/json": components["schemas"]["TotpVerifyRequest"];
            };
        };
        responses: {
            /** @description TOTP is on and preferred. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "enabled": true,
                     *       "preferred": true
                     *     }
                     */
                    "application/json": components["schemas"]["TotpStatus"];
                };
            };
            /**
             * @description `invalid_request` (with `field`; `field: code` when the code is not 6 digits),
             *     `code_mismatch` (a wrong code) or `invalid_parameter` (for example no set-up was
             *     started).
             */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["BearerUnauthorized"];
            403: components["responses"]["SignInForbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitedOrThrottled"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    disableTotp: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description TOTP is off. The user's other browser sessions are ended (unless
             *     END_OTHER_SESSIONS_ON_CHANGE=false); a session this request came with gets a new id.
             */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "enabled": false,
                     *       "preferred": false,
                     *       "signed_out_others": 1,
                     *       "session": "renewed"
                     *     }
                     */
                    "application/json": components["schemas"]["TotpStatus"];
                };
            };
            /** @description `invalid_parameter`: Cognito refused the change. */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["BearerUnauthorized"];
            403: components["responses"]["RecentSignInRequired"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    enableEmailMfa: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "preferred": true
                 *     }
                 */
                "application/json": components["schemas"]["EmailMfaRequest"];
            };
        };
        responses: {
            /** @description Email MFA is on. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "enabled": true,
                     *       "preferred": true
                     *     }
                     */
                    "application/json": components["schemas"]["EmailMfaStatus"];
                };
            };
            /**
             * @description `invalid_request` (with `field`, for example `preferred` when it is not a
             *     boolean) or `invalid_parameter` (Cognito refused the change).
             */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["BearerUnauthorized"];
            403: components["responses"]["RecentSignInRequired"];
            /**
             * @description `email_mfa_unavailable`: the user pool offers no email MFA. `email_required`: the
             *     account has no email address; add one (`PATCH /me`) first. `email_unverified`: the
             *     address is not verified.
             */
            409: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "urn:cognito-bff:problem:email_required",
                     *       "title": "Email required",
                     *       "status": 409,
                     *       "detail": "The account has no email address to send codes to; add one first.",
                     *       "code": "email_required",
                     *       "request_id": "6a1f0e52-2f7c-4bd1-9d0e-3f0b8f1a2c44"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    disableEmailMfa: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description Email MFA is off. The user's other browser sessions are ended (unless
             *     END_OTHER_SESSIONS_ON_CHANGE=false); a session this request came with gets a new id.
             */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "enabled": false,
                     *       "preferred": false,
                     *       "signed_out_others": 1,
                     *       "session": "renewed"
                     *     }
                     */
                    "application/json": components["schemas"]["EmailMfaStatus"];
                };
            };
            /** @description `invalid_parameter`: Cognito refused the change. */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["BearerUnauthorized"];
            403: components["responses"]["RecentSignInRequired"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["CognitoError"];
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "jin",
                 *       "temporary_password": "Temp-Passw0rd",
                 *       "attributes": {
                 *         "email": "jin@example.com",
                 *         "email_verified": true,
                 *         "gender": "female",
                 *         "birthdate": "1990-02-28",
                 *         "nickname": "jin",
                 *         "updated_at": 1700000000
                 *       },
                 *       "delivery": [
                 *         "EMAIL"
                 *       ],
                 *       "suppress_message": false
                 *     }
                 */
                "application/json": components["schemas"]["CreateUserRequest"];
            };
        };
        responses: {
            /** @description The user was created. */
            201: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "username": "jin",
                     *       "sub": "0f8fad5b-d9cb-469f-a165-70867728950e",
                     *       "status": "FORCE_CHANGE_PASSWORD"
                     *     }
                     */
                    "application/json": components["schemas"]["CreatedUser"];
                };
            };
            /**
             * @description `invalid_request` (with `field`), `invalid_attribute` (with `attribute`),
             *     `invalid_password` (the temporary password breaks the policy) or
             *     `invalid_parameter`.
             */
            400: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["BearerUnauthorized"];
            /**
             * @description `forbidden`: the caller is not in `ADMIN_GROUP`. This is decided before the body
             *     is read, so it comes before any `400`, `413` or `415`. `not_authorized`: Cognito
             *     refused the call.
             */
            403: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `username_exists`, or `alias_exists`. */
            409: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            /**
             * @description `cognito_error`: Cognito answered with an error this service doesn't map, for
             *     example `AccessDeniedException` when the service's IAM role lacks
             *     `cognito-idp:AdminCreateUser`.
             */
            502: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["CognitoUnavailable"];
            504: components["responses"]["Timeout"];
        };
    };
    getApiRoot: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `invalid_request`: the path holds a `.` or `..` segment, a backslash, a `;` or an encoded slash, even once decoded again or NFKC-normalised. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["NoSession"];
            /** @description `not_found`: API_UPSTREAMS names no such upstream. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `upstream_unavailable`: the upstream could not be reached. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            /** @description `upstream_timeout`: no whole answer within API_UPSTREAM_TIMEOUT_SECONDS. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upstream API's own answer, whatever it is. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    putApiRoot: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `invalid_request`: the path holds a `.` or `..` segment, a backslash, a `;` or an encoded slash, even once decoded again or NFKC-normalised. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["NoSession"];
            403: components["responses"]["CsrfForbidden"];
            /** @description `not_found`: API_UPSTREAMS names no such upstream. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `upstream_unavailable`: the upstream could not be reached. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            /** @description `upstream_timeout`: no whole answer within API_UPSTREAM_TIMEOUT_SECONDS. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upstream API's own answer, whatever it is. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postApiRoot: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `invalid_request`: the path holds a `.` or `..` segment, a backslash, a `;` or an encoded slash, even once decoded again or NFKC-normalised. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["NoSession"];
            403: components["responses"]["CsrfForbidden"];
            /** @description `not_found`: API_UPSTREAMS names no such upstream. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `upstream_unavailable`: the upstream could not be reached. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            /** @description `upstream_timeout`: no whole answer within API_UPSTREAM_TIMEOUT_SECONDS. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upstream API's own answer, whatever it is. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    deleteApiRoot: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `invalid_request`: the path holds a `.` or `..` segment, a backslash, a `;` or an encoded slash, even once decoded again or NFKC-normalised. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["NoSession"];
            403: components["responses"]["CsrfForbidden"];
            /** @description `not_found`: API_UPSTREAMS names no such upstream. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `upstream_unavailable`: the upstream could not be reached. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            /** @description `upstream_timeout`: no whole answer within API_UPSTREAM_TIMEOUT_SECONDS. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upstream API's own answer, whatever it is. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    patchApiRoot: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `invalid_request`: the path holds a `.` or `..` segment, a backslash, a `;` or an encoded slash, even once decoded again or NFKC-normalised. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["NoSession"];
            403: components["responses"]["CsrfForbidden"];
            /** @description `not_found`: API_UPSTREAMS names no such upstream. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `upstream_unavailable`: the upstream could not be reached. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            /** @description `upstream_timeout`: no whole answer within API_UPSTREAM_TIMEOUT_SECONDS. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upstream API's own answer, whatever it is. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getApiPath: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
                /** @description The rest of the path, one or more segments, passed on as sent. */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `invalid_request`: the path holds a `.` or `..` segment, a backslash, a `;` or an encoded slash, even once decoded again or NFKC-normalised. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["NoSession"];
            /** @description `not_found`: API_UPSTREAMS names no such upstream. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `upstream_unavailable`: the upstream could not be reached. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            /** @description `upstream_timeout`: no whole answer within API_UPSTREAM_TIMEOUT_SECONDS. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upstream API's own answer, whatever it is. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    putApiPath: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
                /** @description The rest of the path, one or more segments, passed on as sent. */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `invalid_request`: the path holds a `.` or `..` segment, a backslash, a `;` or an encoded slash, even once decoded again or NFKC-normalised. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["NoSession"];
            403: components["responses"]["CsrfForbidden"];
            /** @description `not_found`: API_UPSTREAMS names no such upstream. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `upstream_unavailable`: the upstream could not be reached. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            /** @description `upstream_timeout`: no whole answer within API_UPSTREAM_TIMEOUT_SECONDS. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upstream API's own answer, whatever it is. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    postApiPath: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
                /** @description The rest of the path, one or more segments, passed on as sent. */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `invalid_request`: the path holds a `.` or `..` segment, a backslash, a `;` or an encoded slash, even once decoded again or NFKC-normalised. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["NoSession"];
            403: components["responses"]["CsrfForbidden"];
            /** @description `not_found`: API_UPSTREAMS names no such upstream. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `upstream_unavailable`: the upstream could not be reached. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            /** @description `upstream_timeout`: no whole answer within API_UPSTREAM_TIMEOUT_SECONDS. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upstream API's own answer, whatever it is. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    deleteApiPath: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
                /** @description The rest of the path, one or more segments, passed on as sent. */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `invalid_request`: the path holds a `.` or `..` segment, a backslash, a `;` or an encoded slash, even once decoded again or NFKC-normalised. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["NoSession"];
            403: components["responses"]["CsrfForbidden"];
            /** @description `not_found`: API_UPSTREAMS names no such upstream. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `upstream_unavailable`: the upstream could not be reached. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            /** @description `upstream_timeout`: no whole answer within API_UPSTREAM_TIMEOUT_SECONDS. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upstream API's own answer, whatever it is. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    patchApiPath: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description The upstream's name in API_UPSTREAMS. */
                name: string;
                /** @description The rest of the path, one or more segments, passed on as sent. */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `invalid_request`: the path holds a `.` or `..` segment, a backslash, a `;` or an encoded slash, even once decoded again or NFKC-normalised. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["NoSession"];
            403: components["responses"]["CsrfForbidden"];
            /** @description `not_found`: API_UPSTREAMS names no such upstream. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description `upstream_unavailable`: the upstream could not be reached. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
            /** @description `upstream_timeout`: no whole answer within API_UPSTREAM_TIMEOUT_SECONDS. */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The upstream API's own answer, whatever it is. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    verify: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
                /** @description The original request's method, as the shipped nginx configuration sends it. */
                "x-original-method"?: string;
                /** @description The original request's method, as Traefik sends it. */
                "x-forwarded-method"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Verified"];
            401: components["responses"]["BearerOrSessionUnauthorized"];
            403: components["responses"]["CsrfForbidden"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    verifyPath: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
                /**
                 * @description `1`. Required on requests that change state and are authenticated by the session
                 *     cookie (see `sessionCookie`); a custom header forces a CORS preflight, which a page on
                 *     another site can't pass.
                 */
                "x-csrf"?: components["parameters"]["XCsrf"];
            };
            path: {
                /** @description Any path below `/verify/`, slashes included (for Envoy's path prefix). */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Verified"];
            401: components["responses"]["BearerOrSessionUnauthorized"];
            403: components["responses"]["CsrfForbidden"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    healthz: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "ok"
                     *     }
                     */
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    readyz: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "ready",
                     *       "checks": {
                     *         "database": "ok",
                     *         "jwks": "ok"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Not ready, or draining before a stop. This is plain JSON, not a problem. */
            503: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "not_ready",
                     *       "checks": {
                     *         "database": "ok",
                     *         "jwks": "not_loaded"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description An id for this request, kept when it is 1 to 128 visible ASCII characters. If it is
                 *     absent or anything else, the server generates a UUID v4.
                 */
                "x-request-id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description This OpenAPI document. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["XRequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": Record<string, never>;
                };
            };
        };
    };
}
