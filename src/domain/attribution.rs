//! First-touch attribution: where a buyer came from on their first page view.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Attribution {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utm_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utm_medium: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utm_campaign: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landing_path: Option<String>,
}

/// Attribution values come from URLs anyone can craft; they are kept short and
/// on one line before they are stored or shown.
const MAX_VALUE_CHARS: usize = 200;

pub fn clean_value(value: &str) -> Option<String> {
    let value: String = value
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_VALUE_CHARS)
        .collect();
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

impl Attribution {
    pub fn has_utm(&self) -> bool {
        self.utm_source.is_some() || self.utm_medium.is_some() || self.utm_campaign.is_some()
    }

    /// Every value cleaned (see `clean_value`).
    pub fn cleaned(self) -> Self {
        let clean = |v: Option<String>| v.as_deref().and_then(clean_value);
        Self {
            utm_source: clean(self.utm_source),
            utm_medium: clean(self.utm_medium),
            utm_campaign: clean(self.utm_campaign),
            referrer: clean(self.referrer),
            landing_path: clean(self.landing_path),
        }
    }

    /// First touch wins; UTM tags on the form's own URL fill in when the first
    /// touch had none (or cookies were refused).
    pub fn with_form_utm(self, form: &Attribution) -> Self {
        if self.has_utm() {
            return self;
        }
        Self {
            utm_source: form.utm_source.clone(),
            utm_medium: form.utm_medium.clone(),
            utm_campaign: form.utm_campaign.clone(),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_lose_control_characters_and_are_capped() {
        assert_eq!(clean_value(" news\r\nletter "), Some("newsletter".into()));
        assert_eq!(clean_value(&"x".repeat(500)).unwrap().len(), 200);
        assert_eq!(clean_value("  "), None);
    }

    #[test]
    fn form_utm_fills_in_only_when_the_first_touch_had_none() {
        let form = Attribution {
            utm_source: Some("mail".into()),
            ..Default::default()
        };
        let first = Attribution {
            utm_source: Some("ads".into()),
            ..Default::default()
        };
        assert_eq!(
            first.clone().with_form_utm(&form).utm_source.as_deref(),
            Some("ads")
        );
        let direct = Attribution {
            landing_path: Some("/".into()),
            ..Default::default()
        };
        let merged = direct.with_form_utm(&form);
        assert_eq!(merged.utm_source.as_deref(), Some("mail"));
        assert_eq!(merged.landing_path.as_deref(), Some("/"));
    }
}
