//! The pages' words, in English and Korean, and which language a request gets: the `lang`
//! cookie the page's switch sets, else the first of `Accept-Language` this service speaks.

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};

/// The cookie the language switch sets; it names a language, nothing else.
pub const LANG_COOKIE: &str = "cognito-bff-lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    pub fn parse(text: &str) -> Option<Lang> {
        let primary = text.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }

    /// The `lang` cookie if it names a language spoken here, else `Accept-Language` by its
    /// q-values, else English.
    pub fn of_request(headers: &HeaderMap) -> Lang {
        let from_cookie = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|line| line.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .and_then(|(_, value)| Lang::parse(value));
        from_cookie
            .or_else(|| {
                let header = headers.get(ACCEPT_LANGUAGE)?.to_str().ok()?;
                accept_language(header)
            })
            .unwrap_or(Lang::En)
    }

    /// A word or sentence of the pages, by key; English when Korean lacks it.
    pub fn text(self, key: &str) -> &'static str {
        let table = match self {
            Lang::En => EN,
            Lang::Ko => KO,
        };
        table
            .iter()
            .chain(EN.iter())
            .find(|(k, _)| *k == key)
            .map(|(_, text)| *text)
            .unwrap_or("")
    }

    /// Every message the pages' script may show, as a JSON object.
    pub fn messages_json(self) -> String {
        let mut messages = serde_json::Map::new();
        for (key, _) in EN.iter().filter(|(k, _)| k.starts_with("msg.")) {
            messages.insert(
                key.trim_start_matches("msg.").to_owned(),
                serde_json::Value::String(self.text(key).to_owned()),
            );
        }
        serde_json::Value::Object(messages).to_string()
    }
}

/// The language of highest q-value this service speaks (RFC 9110 §12.5.4).
fn accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, f32)> = None;
    for item in header.split(',').take(32) {
        let mut parts = item.split(';');
        let Some(lang) = parts.next().and_then(Lang::parse) else {
            continue;
        };
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((lang, q));
        }
    }
    best.map(|(lang, _)| lang)
}

const EN: &[(&str, &str)] = &[
    ("title.sign-in", "Sign in"),
    ("title.new-password", "Choose a new password"),
    ("title.totp", "Enter your authenticator code"),
    ("title.code", "Enter the code we sent you"),
    ("title.select-mfa", "Choose how to verify"),
    ("title.totp-setup", "Set up your authenticator app"),
    ("title.sign-up", "Create an account"),
    ("title.confirm", "Confirm your account"),
    ("title.forgot", "Forgot your password?"),
    ("title.reset", "Set a new password"),
    ("title.account", "Your account"),
    ("label.username", "Username"),
    ("label.password", "Password"),
    ("label.new-password", "New password"),
    ("label.current-password", "Current password"),
    ("label.code", "Code"),
    ("label.email", "Email"),
    ("label.name", "Name"),
    ("label.nickname", "Nickname"),
    ("label.totp-key", "Key"),
    ("label.language", "Language"),
    ("option.totp", "Authenticator app"),
    ("option.sms", "Text message"),
    ("option.email", "Email"),
    ("button.sign-in", "Sign in"),
    ("button.continue", "Continue"),
    ("button.sign-up", "Create account"),
    ("button.confirm", "Confirm"),
    ("button.resend", "Send the code again"),
    ("button.send-code", "Send a reset code"),
    ("button.reset", "Set password"),
    ("button.save", "Save"),
    ("button.change-password", "Change password"),
    ("button.totp-on", "Turn on authenticator app"),
    ("button.totp-off", "Turn off authenticator app"),
    ("button.sign-out", "Sign out"),
    ("button.end-others", "Sign out everywhere else"),
    ("link.forgot", "Forgot your password?"),
    ("link.sign-up", "Create an account"),
    ("link.sign-in", "Back to sign in"),
    ("heading.profile", "Profile"),
    ("heading.password", "Password"),
    ("heading.mfa", "Authenticator app"),
    ("heading.sessions", "Where you're signed in"),
    ("heading.devices", "Your devices"),
    ("label.remember-device", "Remember this device"),
    (
        "help.totp-setup",
        "Scan the QR code with your authenticator app, or type in the key. Then enter the 6-digit code it shows.",
    ),
    ("help.select-mfa", "Choose how you want to prove it's you."),
    ("msg.signed-in-as", "Signed in as"),
    ("msg.this-device", "This device"),
    ("msg.last-active", "Last active"),
    ("msg.last-used", "Last used"),
    ("msg.remembered", "Remembered: no code needed to sign in."),
    ("msg.forget-device", "Forget"),
    ("msg.device-forgotten", "The device was forgotten."),
    ("msg.saved", "Saved."),
    ("msg.password-changed", "Your password was changed."),
    ("msg.totp-enabled", "The authenticator app is on."),
    ("msg.totp-disabled", "The authenticator app is off."),
    ("msg.code-sent", "We sent a code to {destination}."),
    (
        "msg.code-sent-if",
        "If this account can get codes, we sent one. Check your email or phone.",
    ),
    ("msg.confirmed", "Your account is confirmed. Sign in."),
    ("msg.password-reset", "Your password was reset."),
    ("msg.sessions-ended", "Signed out on {count} other devices."),
    (
        "msg.signed-out-other",
        "You were signed out on 1 other device.",
    ),
    (
        "msg.signed-out-others",
        "You were signed out on {count} other devices.",
    ),
    ("msg.sign-in-now", "Sign in."),
    ("msg.sign-in-again", "Sign in again to continue."),
    (
        "msg.recent-sign-in",
        "For your security, sign in again to continue.",
    ),
    ("msg.qr-alt", "QR code for your authenticator app"),
    (
        "msg.error.invalid_credentials",
        "Incorrect username or password.",
    ),
    (
        "msg.error.code_mismatch",
        "That code isn't right. Try again.",
    ),
    (
        "msg.error.code_expired",
        "That code has expired. Ask for a new one.",
    ),
    (
        "msg.error.invalid_password",
        "That password doesn't meet the requirements.",
    ),
    (
        "msg.error.incorrect_password",
        "Your current password isn't right.",
    ),
    ("msg.error.username_exists", "That username is taken."),
    (
        "msg.error.alias_exists",
        "That email belongs to another account.",
    ),
    (
        "msg.error.rate_limited",
        "Too many attempts. Wait a moment and try again.",
    ),
    (
        "msg.error.too_many_requests",
        "Too many attempts. Wait a moment and try again.",
    ),
    (
        "msg.error.challenge_expired",
        "Your sign-in took too long. Sign in again.",
    ),
    ("msg.error.no_session", "You're signed out. Sign in again."),
    (
        "msg.error.user_not_confirmed",
        "Confirm your account first.",
    ),
    (
        "msg.error.password_reset_required",
        "Reset your password first.",
    ),
    ("msg.error.invalid_request", "Check what you entered."),
    ("msg.error.invalid_attribute", "Check what you entered."),
    ("msg.error.other", "Something went wrong. Try again."),
    ("title.select-factor", "Choose how to sign in"),
    ("title.password", "Enter your password"),
    ("title.select-mfa-setup", "Set up a second step"),
    ("title.email-setup", "Get sign-in codes by email"),
    ("label.optional-password", "Password (optional)"),
    ("button.passkey", "Sign in with a passkey"),
    ("button.provider", "Continue with {provider}"),
    ("button.managed-login", "More ways to sign in"),
    ("button.email-code", "Email me a code"),
    ("button.sms-code", "Text me a code"),
    ("button.use-password", "Use my password"),
    ("button.send-code-email", "Send me a code"),
    ("button.email-mfa-on", "Turn on email codes"),
    ("button.email-mfa-off", "Turn off email codes"),
    ("button.passkey-add", "Add a passkey"),
    ("link.another-way", "Sign in another way"),
    ("text.or", "or"),
    ("heading.email-mfa", "Email codes"),
    ("heading.passkeys", "Passkeys"),
    ("help.select-factor", "Choose how you want to sign in."),
    (
        "help.select-mfa-setup",
        "Your account asks for a second step when you sign in. Choose how you want to prove it's you.",
    ),
    (
        "help.email-setup",
        "Enter the address to send your sign-in codes to. We'll send a code to it now.",
    ),
    (
        "help.passwordless",
        "Leave it empty to sign in with a code we send you instead.",
    ),
    (
        "help.email-mfa",
        "When they're on, signing in with your password also asks for a code we email you.",
    ),
    (
        "help.no-passkeys",
        "You have no passkeys yet. With one, you sign in with your fingerprint, face or screen lock.",
    ),
    ("msg.passkey", "Passkey"),
    ("msg.added", "Added"),
    ("msg.remove", "Remove"),
    ("msg.passkey-added", "Your passkey was added."),
    ("msg.passkey-removed", "The passkey was removed."),
    ("msg.email-mfa-enabled", "Email codes are on."),
    ("msg.email-mfa-disabled", "Email codes are off."),
    (
        "msg.error.passkey_failed",
        "Your passkey wasn't used. Try again, or sign in another way.",
    ),
    (
        "msg.error.passkey_not_created",
        "No passkey was added. Try again.",
    ),
    (
        "msg.error.passkey_exists",
        "This device already has a passkey for your account.",
    ),
    (
        "msg.error.passkey_unsupported",
        "This browser can't use passkeys.",
    ),
    (
        "msg.error.recent_sign_in_required",
        "This change needs a recent sign-in. Sign in again, then try once more.",
    ),
    (
        "msg.error.passkey_rejected",
        "That passkey wasn't accepted. Try again.",
    ),
    (
        "msg.error.passkey_limit_reached",
        "You have as many passkeys as you can. Remove one to add another.",
    ),
    (
        "msg.error.passkey_registration_not_found",
        "Adding the passkey took too long. Try again.",
    ),
    (
        "msg.error.passkeys_not_enabled",
        "Passkeys aren't available here.",
    ),
    (
        "msg.error.passkey_origin_not_allowed",
        "Passkeys can't be used at this site's address.",
    ),
    (
        "msg.error.passkey_relying_party_mismatch",
        "Passkeys can't be used at this site's address.",
    ),
    (
        "msg.error.email_mfa_unavailable",
        "Email codes aren't available here.",
    ),
    (
        "msg.error.email_required",
        "Add an email address to your account first.",
    ),
];

const KO: &[(&str, &str)] = &[
    ("title.sign-in", "로그인"),
    ("title.new-password", "새 비밀번호 설정"),
    ("title.totp", "인증 앱 코드 입력"),
    ("title.code", "받은 코드 입력"),
    ("title.select-mfa", "인증 방법 선택"),
    ("title.totp-setup", "인증 앱 설정"),
    ("title.sign-up", "계정 만들기"),
    ("title.confirm", "계정 확인"),
    ("title.forgot", "비밀번호를 잊으셨나요?"),
    ("title.reset", "새 비밀번호 설정"),
    ("title.account", "내 계정"),
    ("label.username", "사용자 이름"),
    ("label.password", "비밀번호"),
    ("label.new-password", "새 비밀번호"),
    ("label.current-password", "현재 비밀번호"),
    ("label.code", "코드"),
    ("label.email", "이메일"),
    ("label.name", "이름"),
    ("label.nickname", "닉네임"),
    ("label.totp-key", "키"),
    ("label.language", "언어"),
    ("option.totp", "인증 앱"),
    ("option.sms", "문자 메시지"),
    ("option.email", "이메일"),
    ("button.sign-in", "로그인"),
    ("button.continue", "계속"),
    ("button.sign-up", "계정 만들기"),
    ("button.confirm", "확인"),
    ("button.resend", "코드 다시 보내기"),
    ("button.send-code", "재설정 코드 보내기"),
    ("button.reset", "비밀번호 설정"),
    ("button.save", "저장"),
    ("button.change-password", "비밀번호 변경"),
    ("button.totp-on", "인증 앱 사용"),
    ("button.totp-off", "인증 앱 사용 안 함"),
    ("button.sign-out", "로그아웃"),
    ("button.end-others", "다른 모든 기기에서 로그아웃"),
    ("link.forgot", "비밀번호를 잊으셨나요?"),
    ("link.sign-up", "계정 만들기"),
    ("link.sign-in", "로그인으로 돌아가기"),
    ("heading.profile", "프로필"),
    ("heading.password", "비밀번호"),
    ("heading.mfa", "인증 앱"),
    ("heading.sessions", "로그인된 기기"),
    ("heading.devices", "내 기기"),
    ("label.remember-device", "이 기기 기억하기"),
    (
        "help.totp-setup",
        "인증 앱으로 QR 코드를 스캔하거나 키를 직접 입력한 다음, 앱에 표시된 6자리 코드를 입력하세요.",
    ),
    ("help.select-mfa", "본인 확인 방법을 선택하세요."),
    ("msg.signed-in-as", "로그인 계정"),
    ("msg.this-device", "이 기기"),
    ("msg.last-active", "마지막 활동"),
    ("msg.last-used", "마지막 사용"),
    (
        "msg.remembered",
        "기억됨: 로그인할 때 코드가 필요 없습니다.",
    ),
    ("msg.forget-device", "잊기"),
    ("msg.device-forgotten", "기기를 잊었습니다."),
    ("msg.saved", "저장했습니다."),
    ("msg.password-changed", "비밀번호를 변경했습니다."),
    ("msg.totp-enabled", "인증 앱을 사용합니다."),
    ("msg.totp-disabled", "인증 앱을 사용하지 않습니다."),
    ("msg.code-sent", "{destination}(으)로 코드를 보냈습니다."),
    (
        "msg.code-sent-if",
        "이 계정이 코드를 받을 수 있다면 코드를 보냈습니다. 이메일이나 휴대폰을 확인하세요.",
    ),
    ("msg.confirmed", "계정이 확인되었습니다. 로그인하세요."),
    ("msg.password-reset", "비밀번호를 재설정했습니다."),
    (
        "msg.sessions-ended",
        "다른 기기 {count}대에서 로그아웃했습니다.",
    ),
    (
        "msg.signed-out-other",
        "다른 기기 1대에서 로그아웃되었습니다.",
    ),
    (
        "msg.signed-out-others",
        "다른 기기 {count}대에서 로그아웃되었습니다.",
    ),
    ("msg.sign-in-now", "로그인하세요."),
    ("msg.sign-in-again", "계속하려면 다시 로그인하세요."),
    (
        "msg.recent-sign-in",
        "보안을 위해 계속하려면 다시 로그인하세요.",
    ),
    ("msg.qr-alt", "인증 앱용 QR 코드"),
    (
        "msg.error.invalid_credentials",
        "사용자 이름 또는 비밀번호가 올바르지 않습니다.",
    ),
    (
        "msg.error.code_mismatch",
        "코드가 올바르지 않습니다. 다시 시도하세요.",
    ),
    (
        "msg.error.code_expired",
        "코드가 만료되었습니다. 새 코드를 요청하세요.",
    ),
    (
        "msg.error.invalid_password",
        "비밀번호가 요구 사항을 충족하지 않습니다.",
    ),
    (
        "msg.error.incorrect_password",
        "현재 비밀번호가 올바르지 않습니다.",
    ),
    (
        "msg.error.username_exists",
        "이미 사용 중인 사용자 이름입니다.",
    ),
    (
        "msg.error.alias_exists",
        "다른 계정에서 사용 중인 이메일입니다.",
    ),
    (
        "msg.error.rate_limited",
        "시도 횟수가 너무 많습니다. 잠시 후 다시 시도하세요.",
    ),
    (
        "msg.error.too_many_requests",
        "시도 횟수가 너무 많습니다. 잠시 후 다시 시도하세요.",
    ),
    (
        "msg.error.challenge_expired",
        "로그인 시간이 초과되었습니다. 다시 로그인하세요.",
    ),
    (
        "msg.error.no_session",
        "로그아웃되었습니다. 다시 로그인하세요.",
    ),
    ("msg.error.user_not_confirmed", "먼저 계정을 확인하세요."),
    (
        "msg.error.password_reset_required",
        "먼저 비밀번호를 재설정하세요.",
    ),
    ("msg.error.invalid_request", "입력한 내용을 확인하세요."),
    ("msg.error.invalid_attribute", "입력한 내용을 확인하세요."),
    ("msg.error.other", "문제가 발생했습니다. 다시 시도하세요."),
    ("title.select-factor", "로그인 방법 선택"),
    ("title.password", "비밀번호 입력"),
    ("title.select-mfa-setup", "2단계 인증 설정"),
    ("title.email-setup", "이메일로 로그인 코드 받기"),
    ("label.optional-password", "비밀번호 (선택 사항)"),
    ("button.passkey", "패스키로 로그인"),
    ("button.provider", "{provider} 계정으로 계속하기"),
    ("button.managed-login", "다른 방법으로 로그인"),
    ("button.email-code", "이메일로 코드 받기"),
    ("button.sms-code", "문자로 코드 받기"),
    ("button.use-password", "비밀번호 사용"),
    ("button.send-code-email", "코드 보내기"),
    ("button.email-mfa-on", "이메일 코드 사용"),
    ("button.email-mfa-off", "이메일 코드 사용 안 함"),
    ("button.passkey-add", "패스키 추가"),
    ("link.another-way", "다른 방법으로 로그인"),
    ("text.or", "또는"),
    ("heading.email-mfa", "이메일 코드"),
    ("heading.passkeys", "패스키"),
    ("help.select-factor", "로그인할 방법을 선택하세요."),
    (
        "help.select-mfa-setup",
        "로그인할 때 2단계 인증이 필요합니다. 본인 확인 방법을 선택하세요.",
    ),
    (
        "help.email-setup",
        "로그인 코드를 받을 이메일 주소를 입력하세요. 지금 이 주소로 코드를 보내 드립니다.",
    ),
    (
        "help.passwordless",
        "비워 두면 비밀번호 대신 보내 드리는 코드로 로그인합니다.",
    ),
    (
        "help.email-mfa",
        "사용하면 비밀번호로 로그인할 때 이메일로 보내 드리는 코드도 입력해야 합니다.",
    ),
    (
        "help.no-passkeys",
        "아직 패스키가 없습니다. 패스키가 있으면 지문, 얼굴 또는 화면 잠금으로 로그인할 수 있습니다.",
    ),
    ("msg.passkey", "패스키"),
    ("msg.added", "추가한 날짜"),
    ("msg.remove", "삭제"),
    ("msg.passkey-added", "패스키를 추가했습니다."),
    ("msg.passkey-removed", "패스키를 삭제했습니다."),
    ("msg.email-mfa-enabled", "이메일 코드를 사용합니다."),
    ("msg.email-mfa-disabled", "이메일 코드를 사용하지 않습니다."),
    (
        "msg.error.passkey_failed",
        "패스키를 사용하지 못했습니다. 다시 시도하거나 다른 방법으로 로그인하세요.",
    ),
    (
        "msg.error.passkey_not_created",
        "패스키를 추가하지 못했습니다. 다시 시도하세요.",
    ),
    (
        "msg.error.passkey_exists",
        "이 기기에는 이미 이 계정의 패스키가 있습니다.",
    ),
    (
        "msg.error.passkey_unsupported",
        "이 브라우저에서는 패스키를 사용할 수 없습니다.",
    ),
    (
        "msg.error.recent_sign_in_required",
        "이 변경에는 최근 로그인이 필요합니다. 다시 로그인한 다음 한 번 더 시도하세요.",
    ),
    (
        "msg.error.passkey_rejected",
        "패스키가 받아들여지지 않았습니다. 다시 시도하세요.",
    ),
    (
        "msg.error.passkey_limit_reached",
        "더 이상 패스키를 추가할 수 없습니다. 하나를 삭제한 다음 추가하세요.",
    ),
    (
        "msg.error.passkey_registration_not_found",
        "패스키 추가 시간이 초과되었습니다. 다시 시도하세요.",
    ),
    (
        "msg.error.passkeys_not_enabled",
        "여기에서는 패스키를 사용할 수 없습니다.",
    ),
    (
        "msg.error.passkey_origin_not_allowed",
        "이 사이트 주소에서는 패스키를 사용할 수 없습니다.",
    ),
    (
        "msg.error.passkey_relying_party_mismatch",
        "이 사이트 주소에서는 패스키를 사용할 수 없습니다.",
    ),
    (
        "msg.error.email_mfa_unavailable",
        "여기에서는 이메일 코드를 사용할 수 없습니다.",
    ),
    (
        "msg.error.email_required",
        "먼저 계정에 이메일 주소를 추가하세요.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_spoken_here() {
        assert_eq!(accept_language("ko-KR,ko;q=0.9,en;q=0.8"), Some(Lang::Ko));
        assert_eq!(
            accept_language("fr;q=1, en;q=0.5, ko;q=0.7"),
            Some(Lang::Ko)
        );
        assert_eq!(accept_language("de, fr"), None);
        assert_eq!(accept_language("ko;q=0, en"), Some(Lang::En));
    }

    #[test]
    fn every_word_has_both_languages() {
        for (key, _) in EN {
            assert!(KO.iter().any(|(k, _)| k == key), "no Korean for {key}");
        }
        assert_eq!(EN.len(), KO.len());
    }
}
