//! API keys: how they are made, written and checked.
//!
//! A key reads `di_<id>_<secret>`: the id finds the stored key, the secret
//! proves it. Only the SHA-256 of the secret is stored, and it is compared
//! in constant time. The secret is 256 random bits, so a fast hash suffices.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a key may do.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Writes observations, recognitions and targets.
    Editor,
    /// Also writes the catalogue (regions, topics, units, indicators,
    /// sources) and reads the audit log.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A newly made key: the text to hand over once, and what is stored.
pub struct NewKey {
    pub id: String,
    pub secret_sha256: Vec<u8>,
    /// The whole key, shown once and never stored.
    pub token: String,
}

impl NewKey {
    pub fn generate() -> Self {
        const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = rand::rng();
        let id: String = (0..8)
            .map(|_| char::from(ID_ALPHABET[rng.random_range(0..ID_ALPHABET.len())]))
            .collect();
        let secret_bytes: [u8; 32] = rng.random();
        let secret = URL_SAFE_NO_PAD.encode(secret_bytes);
        NewKey {
            token: format!("di_{id}_{secret}"),
            secret_sha256: digest(&secret),
            id,
        }
    }
}

/// A presented key, split into the id to look up and the secret to check.
#[derive(Debug, PartialEq, Eq)]
pub struct PresentedKey<'a> {
    pub id: &'a str,
    pub secret: &'a str,
}

impl<'a> PresentedKey<'a> {
    pub fn parse(token: &'a str) -> Option<Self> {
        let rest = token.strip_prefix("di_")?;
        let (id, secret) = rest.split_once('_')?;
        let id_ok = id.len() == 8
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        (id_ok && !secret.is_empty()).then_some(PresentedKey { id, secret })
    }

    /// Whether the secret hashes to `stored`, compared in constant time.
    pub fn matches(&self, stored: &[u8]) -> bool {
        digest(self.secret).ct_eq(stored).into()
    }
}

fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_parses_and_matches_only_its_own_hash() {
        let key = NewKey::generate();
        let presented = PresentedKey::parse(&key.token).expect("a generated key parses");
        assert_eq!(presented.id, key.id);
        assert!(presented.matches(&key.secret_sha256));
        let other = NewKey::generate();
        assert!(!presented.matches(&other.secret_sha256));
    }

    #[test]
    fn malformed_keys_do_not_parse() {
        for token in [
            "",
            "di_",
            "di_short_x",
            "xx_abcdefgh_secret",
            "di_ABCDEFGH_secret",
            "di_abcdefgh_",
        ] {
            assert_eq!(PresentedKey::parse(token), None, "{token:?}");
        }
    }
}
