//! The sign-in pages' settings (UI_*): whether they are served, where a sign-in may send the
//! user afterwards, and the theme.

/// The pages' settings.
#[derive(Debug, Clone)]
pub struct UiConfig {
    pub enabled: bool,
    /// Where a sign-in may send the user afterwards (`return_to`): absolute URLs, each
    /// allowing itself and the paths below it on the same scheme, host and port.
    pub return_urls: Vec<reqwest::Url>,
    pub product_name: String,
    /// `#rgb` or `#rrggbb`.
    pub brand_color: String,
    /// An https URL (or a path on this service).
    pub logo_url: Option<String>,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            enabled: true,
            return_urls: Vec::new(),
            product_name: "cognito-bff".to_owned(),
            brand_color: "#1f5fbf".to_owned(),
            logo_url: None,
        }
    }
}

impl UiConfig {
    /// `return_to` if it is one of UI_RETURN_URLS or below one; anything else is dropped, so
    /// the pages never send a signed-in user to a place the operator didn't list.
    pub fn allowed_return(&self, return_to: &str) -> Option<String> {
        let url = reqwest::Url::parse(return_to).ok()?;
        if !matches!(url.scheme(), "http" | "https")
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return None;
        }
        self.return_urls
            .iter()
            .any(|allowed| {
                allowed.scheme() == url.scheme()
                    && allowed.host_str() == url.host_str()
                    && allowed.port_or_known_default() == url.port_or_known_default()
                    && (url.path() == allowed.path()
                        || url
                            .path()
                            .starts_with(&format!("{}/", allowed.path().trim_end_matches('/'))))
            })
            // The URL as parsed, so the browser goes exactly where the check looked.
            .then(|| url.to_string())
    }
}
