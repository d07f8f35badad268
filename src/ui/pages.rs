//! The pages: one skeleton, a form or two each. Every word comes from `i18n`; the only other
//! text on a page is the product's name and logo from the settings, escaped. What the user
//! typed or the service answered is put on the page by the script, as text.

use super::i18n::Lang;
use crate::config::UiConfig;

/// The ways of signing in the pool allows beside the password (choice-based sign-in), which
/// decide the buttons of the sign-in page, whether signing up may leave the password out, and
/// whether the account page has passkeys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offers {
    pub password: bool,
    pub email_code: bool,
    pub sms_code: bool,
    pub passkey: bool,
}

impl Default for Offers {
    /// The password alone, as without choice-based sign-in.
    fn default() -> Self {
        Offers {
            password: true,
            email_code: false,
            sms_code: false,
            passkey: false,
        }
    }
}

impl Offers {
    /// Whether a user may sign up without a password: a code can then sign them in.
    fn passwordless(self) -> bool {
        self.email_code || self.sms_code
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    SignIn,
    SelectFactor,
    Password,
    NewPassword,
    Totp,
    Code,
    SelectMfa,
    TotpSetup,
    SelectMfaSetup,
    EmailSetup,
    SignUp,
    Confirm,
    Forgot,
    Reset,
    Account,
}

impl Page {
    pub const ALL: [(&'static str, Page); 15] = [
        ("sign-in", Page::SignIn),
        ("sign-in/select-factor", Page::SelectFactor),
        ("sign-in/password", Page::Password),
        ("sign-in/new-password", Page::NewPassword),
        ("sign-in/totp", Page::Totp),
        ("sign-in/code", Page::Code),
        ("sign-in/select-mfa", Page::SelectMfa),
        ("sign-in/totp-setup", Page::TotpSetup),
        ("sign-in/mfa-setup", Page::SelectMfaSetup),
        ("sign-in/email-setup", Page::EmailSetup),
        ("sign-up", Page::SignUp),
        ("sign-up/confirm", Page::Confirm),
        ("password/forgot", Page::Forgot),
        ("password/reset", Page::Reset),
        ("account", Page::Account),
    ];

    pub fn from_path(path: &str) -> Option<Page> {
        Page::ALL
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, page)| *page)
    }

    fn key(self) -> &'static str {
        match self {
            Page::SignIn => "sign-in",
            Page::SelectFactor => "select-factor",
            Page::Password => "password",
            Page::NewPassword => "new-password",
            Page::Totp => "totp",
            Page::Code => "code",
            Page::SelectMfa => "select-mfa",
            Page::TotpSetup => "totp-setup",
            Page::SelectMfaSetup => "select-mfa-setup",
            Page::EmailSetup => "email-setup",
            Page::SignUp => "sign-up",
            Page::Confirm => "confirm",
            Page::Forgot => "forgot",
            Page::Reset => "reset",
            Page::Account => "account",
        }
    }
}

/// Text for HTML, escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A labelled input with a place for its error, tied to it for screen readers.
fn field(lang: Lang, form: &str, name: &str, label: &str, kind: &str, extra: &str) -> String {
    let id = format!("{form}-{name}");
    format!(
        r#"<div class="field"><label for="{id}">{label}</label><input id="{id}" name="{name}" type="{kind}" {extra} aria-describedby="{id}-error"><p class="field-error" id="{id}-error" hidden></p></div>"#,
        label = lang.text(label),
    )
}

fn code_field(lang: Lang, form: &str, name: &str) -> String {
    field(
        lang,
        form,
        name,
        "label.code",
        "text",
        r#"inputmode="numeric" autocomplete="one-time-code" required maxlength="64""#,
    )
}

/// Submit buttons start disabled and the script enables them: without it, nothing is sent
/// (never a password in a URL).
fn button(lang: Lang, key: &str) -> String {
    format!(
        r#"<button type="submit" disabled>{}</button>"#,
        lang.text(key)
    )
}

fn secondary(lang: Lang, key: &str) -> String {
    format!(
        r#"<button type="submit" class="secondary" disabled>{}</button>"#,
        lang.text(key)
    )
}

fn link(lang: Lang, href: &str, key: &str) -> String {
    format!(r#"<a href="{href}">{}</a>"#, lang.text(key))
}

fn form(action: &str, body: &str) -> String {
    format!(r#"<form data-action="{action}" method="post" novalidate>{body}</form>"#)
}

/// A button that sends its form with a choice: the factor, or the method, it names.
fn choice_button(lang: Lang, name: &str, value: &str, key: &str, hidden: bool) -> String {
    format!(
        r#"<button type="submit" class="secondary" data-{name}="{value}"{hidden} disabled>{}</button>"#,
        lang.text(key),
        hidden = if hidden { " hidden" } else { "" },
    )
}

/// How to start over with another way of signing in, on a page that picked one: Cognito
/// won't switch inside one sign-in. `id` names it for the script, which shows it only where
/// it applies.
fn another_way(lang: Lang, id: Option<&str>) -> String {
    let (id, hidden) = match id {
        Some(id) => (format!(r#" id="{id}""#), " hidden"),
        None => (String::new(), ""),
    };
    format!(
        r#"<p class="links"{id}{hidden}>{}</p>"#,
        link(lang, "/ui/sign-in", "link.another-way")
    )
}

/// Federated sign-in on the sign-in page: the providers users may pick (FEDERATED_PROVIDERS),
/// and where the flow is to end.
#[derive(Debug, Clone, Copy)]
pub struct Federated<'a> {
    pub providers: &'a [String],
    pub return_to: Option<&'a str>,
}

fn body(page: Page, lang: Lang, offers: Offers, federated: Option<Federated<'_>>) -> String {
    let username = |form: &str| {
        field(
            lang,
            form,
            "username",
            "label.username",
            "text",
            r#"autocomplete="username" autocapitalize="none" required maxlength="128""#,
        )
    };
    let new_password = |form: &str, name: &str| {
        field(
            lang,
            form,
            name,
            "label.new-password",
            "password",
            r#"autocomplete="new-password" required maxlength="256""#,
        )
    };
    let current_password = |form: &str| {
        field(
            lang,
            form,
            "password",
            "label.password",
            "password",
            r#"autocomplete="current-password" required maxlength="256""#,
        )
    };
    match page {
        Page::SignIn => format!(
            "{}{}<p class=\"links\">{} · {}</p>",
            form(
                "sign-in",
                &sign_in_form(
                    lang,
                    offers,
                    &username("sign-in"),
                    &current_password("sign-in")
                )
            ),
            federated.map(|f| providers(lang, f)).unwrap_or_default(),
            link(lang, "/ui/password/forgot", "link.forgot"),
            link(lang, "/ui/sign-up", "link.sign-up"),
        ),
        // Every choice is rendered hidden; the script shows those the sign-in offers.
        Page::SelectFactor => format!(
            "<p class=\"hint\">{}</p>{}{}",
            lang.text("help.select-factor"),
            form(
                "select-factor",
                &format!(
                    "{}{}{}{}",
                    choice_button(lang, "factor", "PASSWORD", "button.use-password", true),
                    choice_button(lang, "factor", "WEB_AUTHN", "button.passkey", true),
                    choice_button(lang, "factor", "EMAIL_OTP", "button.email-code", true),
                    choice_button(lang, "factor", "SMS_OTP", "button.sms-code", true),
                )
            ),
            another_way(lang, None),
        ),
        Page::Password => format!(
            "{}{}",
            form(
                "password",
                &format!(
                    "{}{}",
                    current_password("password"),
                    button(lang, "button.sign-in")
                ),
            ),
            another_way(lang, None),
        ),
        Page::NewPassword => form(
            "new-password",
            &format!(
                "{}{}",
                new_password("new-password", "password"),
                button(lang, "button.continue")
            ),
        ),
        Page::Totp => form(
            "totp",
            &format!(
                "{}{}{}",
                code_field(lang, "totp", "code"),
                remember_device(lang, "totp"),
                button(lang, "button.continue")
            ),
        ),
        Page::Code => format!(
            r#"<p class="hint" id="code-destination" hidden></p>{}{}"#,
            form(
                "code",
                &format!(
                    "{}{}{}",
                    code_field(lang, "code", "code"),
                    remember_device(lang, "code"),
                    button(lang, "button.continue")
                )
            ),
            // Shown when the code is the first factor, not a second one.
            another_way(lang, Some("another-way")),
        ),
        Page::SelectMfa => format!(
            "<p class=\"hint\">{}</p>{}",
            lang.text("help.select-mfa"),
            form(
                "select-mfa",
                &format!(
                    r#"<fieldset><legend class="visually-hidden">{legend}</legend>{totp}{sms}{email}</fieldset>{button}"#,
                    legend = lang.text("title.select-mfa"),
                    totp = radio(lang, "mfa", "SOFTWARE_TOKEN_MFA", "option.totp"),
                    sms = radio(lang, "mfa", "SMS_MFA", "option.sms"),
                    email = radio(lang, "mfa", "EMAIL_OTP", "option.email"),
                    button = button(lang, "button.continue"),
                )
            )
        ),
        Page::TotpSetup => format!(
            "<p class=\"hint\">{}</p>{}{}",
            lang.text("help.totp-setup"),
            totp_secret_box(lang, "setup"),
            form(
                "totp-setup",
                &format!(
                    "{}{}",
                    code_field(lang, "totp-setup", "code"),
                    button(lang, "button.continue")
                )
            )
        ),
        Page::SelectMfaSetup => format!(
            "<p class=\"hint\">{}</p>{}",
            lang.text("help.select-mfa-setup"),
            form(
                "select-mfa-setup",
                &format!(
                    r#"<fieldset><legend class="visually-hidden">{legend}</legend>{totp}{email}</fieldset>{button}"#,
                    legend = lang.text("title.select-mfa-setup"),
                    totp = radio(lang, "setup", "SOFTWARE_TOKEN_MFA", "option.totp"),
                    email = radio(lang, "setup", "EMAIL_OTP", "option.email"),
                    button = button(lang, "button.continue"),
                )
            )
        ),
        Page::EmailSetup => format!(
            "<p class=\"hint\">{}</p>{}",
            lang.text("help.email-setup"),
            form(
                "email-setup",
                &format!(
                    "{}{}",
                    field(
                        lang,
                        "email-setup",
                        "email",
                        "label.email",
                        "email",
                        r#"autocomplete="email" required maxlength="254""#
                    ),
                    button(lang, "button.send-code-email")
                )
            )
        ),
        Page::SignUp => format!(
            "{}<p class=\"links\">{}</p>",
            form(
                "sign-up",
                &format!(
                    "{}{}{}{}",
                    username("sign-up"),
                    field(
                        lang,
                        "sign-up",
                        "email",
                        "label.email",
                        "email",
                        r#"autocomplete="email" required maxlength="254""#
                    ),
                    if offers.passwordless() {
                        optional_password(lang, "sign-up")
                    } else {
                        new_password("sign-up", "password")
                    },
                    button(lang, "button.sign-up")
                )
            ),
            link(lang, "/ui/sign-in", "link.sign-in"),
        ),
        Page::Confirm => format!(
            r#"<p class="hint" id="code-destination" hidden></p>{}{}"#,
            form(
                "confirm",
                &format!(
                    "{}{}{}",
                    username("confirm"),
                    code_field(lang, "confirm", "code"),
                    button(lang, "button.confirm")
                )
            ),
            form("resend", &secondary(lang, "button.resend")),
        ),
        Page::Forgot => format!(
            "{}<p class=\"links\">{}</p>",
            form(
                "forgot",
                &format!("{}{}", username("forgot"), button(lang, "button.send-code"))
            ),
            link(lang, "/ui/sign-in", "link.sign-in"),
        ),
        Page::Reset => format!(
            r#"<p class="hint" id="code-destination" hidden></p>{}"#,
            form(
                "reset",
                &format!(
                    "{}{}{}{}",
                    username("reset"),
                    code_field(lang, "reset", "code"),
                    new_password("reset", "new_password"),
                    button(lang, "button.reset")
                )
            )
        ),
        Page::Account => account(lang, offers),
    }
}

/// The sign-in form: the username, the password and its button, and a button for each other
/// way the pool allows. A way chosen by its button sends no password.
fn sign_in_form(lang: Lang, offers: Offers, username: &str, password: &str) -> String {
    let mut others = String::new();
    if offers.passkey {
        others.push_str(&choice_button(
            lang,
            "factor",
            "WEB_AUTHN",
            "button.passkey",
            false,
        ));
    }
    if offers.email_code {
        others.push_str(&choice_button(
            lang,
            "factor",
            "EMAIL_OTP",
            "button.email-code",
            false,
        ));
    }
    if offers.sms_code {
        others.push_str(&choice_button(
            lang,
            "factor",
            "SMS_OTP",
            "button.sms-code",
            false,
        ));
    }
    let mut form = username.to_owned();
    if offers.password {
        form.push_str(password);
        form.push_str(&button(lang, "button.sign-in"));
    }
    if !others.is_empty() {
        if offers.password {
            form.push_str(&format!(
                r#"<p class="or" aria-hidden="true">{}</p>"#,
                lang.text("text.or")
            ));
        }
        form.push_str(&format!(r#"<div class="choices">{others}</div>"#));
    }
    form
}

/// A link per identity provider, each starting a federated sign-in at `/oauth/start`; with
/// none listed, one to managed login's own page. Links, not forms: the flow is a navigation.
fn providers(lang: Lang, federated: Federated<'_>) -> String {
    let start = |provider: Option<&str>| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(provider) = provider {
            query.append_pair("provider", provider);
        }
        if let Some(return_to) = federated.return_to {
            query.append_pair("return_to", return_to);
        }
        let query = query.finish();
        if query.is_empty() {
            "/oauth/start".to_owned()
        } else {
            format!("/oauth/start?{query}")
        }
    };
    let links: String = if federated.providers.is_empty() {
        format!(
            r#"<a class="button secondary" href="{}">{}</a>"#,
            escape(&start(None)),
            lang.text("button.managed-login")
        )
    } else {
        federated
            .providers
            .iter()
            .map(|provider| {
                format!(
                    r#"<a class="button secondary" href="{}" data-provider="{}">{}</a>"#,
                    escape(&start(Some(provider))),
                    escape(provider),
                    lang.text("button.provider")
                        .replace("{provider}", &escape(provider))
                )
            })
            .collect()
    };
    format!(
        r#"<p class="or" aria-hidden="true">{}</p><div class="choices providers">{links}</div>"#,
        lang.text("text.or")
    )
}

/// The password of a sign-up that may leave it out: the user then signs in with a code.
fn optional_password(lang: Lang, form: &str) -> String {
    let id = format!("{form}-password");
    format!(
        r#"<div class="field"><label for="{id}">{label}</label><p class="field-hint" id="{id}-hint">{hint}</p><input id="{id}" name="password" type="password" autocomplete="new-password" maxlength="256" aria-describedby="{id}-hint {id}-error"><p class="field-error" id="{id}-error" hidden></p></div>"#,
        label = lang.text("label.optional-password"),
        hint = lang.text("help.passwordless"),
    )
}

/// "Remember this device", on the pages that ask for an MFA code: a remembered device may
/// skip the code next time, where the pool tracks devices.
fn remember_device(lang: Lang, form: &str) -> String {
    format!(
        r#"<label class="choice"><input id="{form}-remember_device" type="checkbox" name="remember_device" value="true"> {}</label>"#,
        lang.text("label.remember-device")
    )
}

fn radio(lang: Lang, name: &str, value: &str, label: &str) -> String {
    format!(
        r#"<label class="choice"><input type="radio" name="{name}" value="{value}" required> {}</label>"#,
        lang.text(label)
    )
}

/// Where a TOTP secret is shown: the QR code (an SVG the service draws) and the key as text.
fn totp_secret_box(lang: Lang, id: &str) -> String {
    format!(
        r#"<div class="totp" id="totp-{id}" hidden><img class="qr" alt="{alt}"><p>{key}: <code class="totp-key"></code></p></div>"#,
        alt = lang.text("msg.qr-alt"),
        key = lang.text("label.totp-key"),
    )
}

fn account(lang: Lang, offers: Offers) -> String {
    let section = |id: &str, heading: &str, content: String| {
        format!(
            r#"<section id="{id}"><h2>{}</h2>{content}</section>"#,
            lang.text(heading)
        )
    };
    let profile = form(
        "profile",
        &format!(
            "{}{}{}",
            field(
                lang,
                "profile",
                "name",
                "label.name",
                "text",
                r#"autocomplete="name" maxlength="256""#
            ),
            field(
                lang,
                "profile",
                "nickname",
                "label.nickname",
                "text",
                r#"autocomplete="nickname" maxlength="256""#
            ),
            button(lang, "button.save")
        ),
    );
    let password = form(
        "change-password",
        &format!(
            "{}{}{}",
            field(
                lang,
                "change-password",
                "previous_password",
                "label.current-password",
                "password",
                r#"autocomplete="current-password" required maxlength="256""#
            ),
            field(
                lang,
                "change-password",
                "proposed_password",
                "label.new-password",
                "password",
                r#"autocomplete="new-password" required maxlength="256""#
            ),
            button(lang, "button.change-password")
        ),
    );
    let mfa = format!(
        r#"<p class="state" id="totp-state"></p>{start}{secret}<form data-action="totp-verify" method="post" hidden novalidate>{code}{confirm}</form>{stop}"#,
        start = form("totp-start", &button(lang, "button.totp-on")),
        secret = totp_secret_box(lang, "account"),
        code = code_field(lang, "totp-verify", "code"),
        confirm = button(lang, "button.confirm"),
        stop = form("totp-off", &secondary(lang, "button.totp-off")),
    );
    // Email codes after the password: both buttons hidden until `/me` says which applies, and
    // the whole section for a user without a password, whom they wouldn't be asked of.
    let email_mfa = format!(
        r#"<section id="email-mfa-section"><h2>{heading}</h2><p class="hint">{help}</p><p class="state" id="email-mfa-state"></p>{on}{off}</section>"#,
        heading = lang.text("heading.email-mfa"),
        help = lang.text("help.email-mfa"),
        on = hidden_form("email-on", &button(lang, "button.email-mfa-on")),
        off = hidden_form("email-off", &secondary(lang, "button.email-mfa-off")),
    );
    // Passkeys where the pool allows signing in with one.
    let passkeys = if offers.passkey {
        format!(
            r#"<section id="passkeys-section"><h2>{heading}</h2><p class="hint" id="passkeys-none" hidden>{none}</p><ul class="sessions" id="passkeys"></ul>{add}</section>"#,
            heading = lang.text("heading.passkeys"),
            none = lang.text("help.no-passkeys"),
            add = form("passkey-add", &button(lang, "button.passkey-add")),
        )
    } else {
        String::new()
    };
    let sessions = format!(
        r#"<ul class="sessions" id="sessions"></ul>{}"#,
        form("end-others", &secondary(lang, "button.end-others"))
    );
    // Shown once the list has a device: a pool that doesn't track devices has none.
    let devices = format!(
        r#"<section id="devices-section" hidden><h2>{}</h2><ul class="sessions" id="devices"></ul></section>"#,
        lang.text("heading.devices")
    );
    format!(
        r#"<p class="whoami">{signed_in_as} <strong id="whoami"></strong></p>{profile}{password}{mfa}{email_mfa}{passkeys}{sessions}{devices}{sign_out}"#,
        signed_in_as = lang.text("msg.signed-in-as"),
        profile = section("profile-section", "heading.profile", profile),
        password = section("password-section", "heading.password", password),
        mfa = section("totp-section", "heading.mfa", mfa),
        sessions = section("sessions-section", "heading.sessions", sessions),
        sign_out = form("sign-out", &secondary(lang, "button.sign-out")),
    )
}

/// A form the script shows once it knows it applies.
fn hidden_form(action: &str, body: &str) -> String {
    format!(r#"<form data-action="{action}" method="post" hidden novalidate>{body}</form>"#)
}

/// The page mounted under `base` (BASE_PATH; empty: as rendered): every link, style and
/// script source on the service's own `/ui/` and `/oauth/start` paths moves below it, and
/// the base goes on `<html>` for the script's calls. Other links (return URLs, a logo
/// elsewhere) stay as they are.
pub fn under(html: String, base: &str) -> String {
    if base.is_empty() {
        return html;
    }
    let base = escape(base);
    html.replacen(
        "<html lang=",
        &format!("<html data-base=\"{base}\" lang="),
        1,
    )
    .replace("=\"/ui/", &format!("=\"{base}/ui/"))
    .replace("=\"/oauth/start", &format!("=\"{base}/oauth/start"))
}

/// A whole page.
pub fn render(
    page: Page,
    lang: Lang,
    ui: &UiConfig,
    return_to: Option<&str>,
    offers: Offers,
    providers: Option<&[String]>,
) -> String {
    let federated = providers.map(|providers| Federated {
        providers,
        return_to,
    });
    let title = lang.text(&format!("title.{}", page.key()));
    let product = escape(&ui.product_name);
    let logo = ui
        .logo_url
        .as_deref()
        .map(|url| format!(r#"<img class="logo" src="{}" alt="">"#, escape(url)))
        .unwrap_or_default();
    let other = match lang {
        Lang::En => r#"<a href="?lang=ko" lang="ko" hreflang="ko">한국어</a>"#,
        Lang::Ko => r#"<a href="?lang=en" lang="en" hreflang="en">English</a>"#,
    };
    // JSON inside HTML: `<` escaped so no text can close the element.
    let messages = lang.messages_json().replace('<', "\\u003c");
    format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {product}</title>
<link rel="stylesheet" href="/ui/assets/style.css">
<link rel="stylesheet" href="/ui/theme.css">
<script type="module" src="/ui/assets/app.js"></script>
</head>
<body data-page="{page}" data-return="{return_to}">
<header><a class="brand" href="/ui/">{logo}<span>{product}</span></a><nav aria-label="{language}">{other}</nav></header>
<main>
<h1>{title}</h1>
<p class="status" id="status" role="status" tabindex="-1"></p>
{body}
</main>
<script type="application/json" id="messages">{messages}</script>
</body>
</html>
"#,
        lang = lang.code(),
        page = page.key(),
        return_to = escape(return_to.unwrap_or("")),
        language = lang.text("label.language"),
        body = body(page, lang, offers, federated),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_break_out() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn the_sign_in_page_links_each_provider_to_the_flow_with_where_it_ends() {
        let ui = UiConfig::default();
        let providers = ["Google".to_owned(), "Acme-SAML".to_owned()];
        let html = render(
            Page::SignIn,
            Lang::En,
            &ui,
            Some("https://app.example.com/a?b=c&d"),
            Offers::default(),
            Some(&providers),
        );
        assert!(
            html.contains(
                r#"href="/oauth/start?provider=Google&amp;return_to=https%3A%2F%2Fapp.example.com%2Fa%3Fb%3Dc%26d" data-provider="Google">Continue with Google</a>"#
            ),
            "{html}"
        );
        assert!(html.contains(">Continue with Acme-SAML</a>"), "{html}");
        let korean = render(
            Page::SignIn,
            Lang::Ko,
            &ui,
            None,
            Offers::default(),
            Some(&providers),
        );
        assert!(
            korean.contains(r#"href="/oauth/start?provider=Google" data-provider="Google">Google 계정으로 계속하기</a>"#),
            "{korean}"
        );
        // No providers listed: managed login's own page; the flow off: nothing.
        let own = render(
            Page::SignIn,
            Lang::En,
            &ui,
            None,
            Offers::default(),
            Some(&[]),
        );
        assert!(
            own.contains(r#"<a class="button secondary" href="/oauth/start">"#),
            "{own}"
        );
        let off = render(Page::SignIn, Lang::En, &ui, None, Offers::default(), None);
        assert!(!off.contains("/oauth/start"));
    }

    #[test]
    fn every_input_has_a_label_and_an_error_place() {
        let ui = UiConfig::default();
        let every_way = Offers {
            password: true,
            email_code: true,
            sms_code: true,
            passkey: true,
        };
        for (_, page) in Page::ALL {
            for (lang, offers) in [Lang::En, Lang::Ko]
                .into_iter()
                .flat_map(|lang| [(lang, Offers::default()), (lang, every_way)])
            {
                let google = ["Google".to_owned()];
                let html = render(page, lang, &ui, None, offers, Some(&google));
                for input in html.split("<input ").skip(1) {
                    let id = input
                        .split("id=\"")
                        .nth(1)
                        .and_then(|rest| rest.split('"').next());
                    // Choices are wrapped in their label, and can't be typed wrong.
                    if input.contains("type=\"radio\"") || input.contains("type=\"checkbox\"") {
                        continue;
                    }
                    let id = id.expect("an input with an id");
                    assert!(html.contains(&format!("<label for=\"{id}\">")), "{id}");
                    assert!(html.contains(&format!("id=\"{id}-error\"")), "{id}");
                }
                assert!(!html.contains("<script>"), "no inline script");
                assert!(!html.contains("style=\""), "no inline style");
            }
        }
    }
}
