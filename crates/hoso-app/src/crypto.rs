//! Encryption at rest of the record's sensitive fields (the schema marks them `encrypted`:
//! số định danh, insurance numbers, health, personal-history declarations, family political
//! history), with AES-256-GCM under keys identified by id so that keys can be rotated.
//!
//! A stored version keeps its non-sensitive fields in `record_versions.document` (immutable) and
//! the sensitive ones, as one encrypted JSON object, in `record_secrets` (re-encrypted on key
//! rotation). The version hash covers the whole plaintext document, so a version verifies the
//! same before and after rotation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use hmac::{Hmac, Mac};
use hoso_domain::schema::{RecordDoc, RecordSchema};
use rand::RngCore;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{AppError, AppResult};

/// One master key and what is derived from it.
pub struct MasterKey {
    pub id: String,
    cipher: Aes256Gcm,
    identifier_mac: Hmac<Sha256>,
}

fn derive(master: &[u8; 32], purpose: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

impl MasterKey {
    pub fn new(master: &[u8; 32]) -> MasterKey {
        let id = hex::encode(&Sha256::digest(derive(master, b"hoso/key-id/v1"))[..6]);
        let enc = derive(master, b"hoso/record-secrets/v1");
        let mac = derive(master, b"hoso/identifier-hash/v1");
        MasterKey {
            id,
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&enc)),
            identifier_mac: <Hmac<Sha256> as Mac>::new_from_slice(&mac)
                .expect("HMAC takes any key length"),
        }
    }

    /// Keyed hash of a số định danh: finds and de-duplicates records by the number without
    /// keeping the number in an index.
    pub fn national_id_hash(&self, national_id: &str) -> String {
        let mut mac = self.identifier_mac.clone();
        mac.update(national_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Encrypts `plaintext`, bound to `context` (the row it belongs to) so that a ciphertext
    /// moved to another record does not decrypt.
    pub fn seal(&self, plaintext: &[u8], context: &str) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let mut out = nonce.to_vec();
        let ct = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        out.extend_from_slice(&ct);
        out
    }

    pub fn open(&self, sealed: &[u8], context: &str) -> Option<Vec<u8>> {
        if sealed.len() < 12 + 16 {
            return None;
        }
        let (nonce, ct) = sealed.split_at(12);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .ok()
    }
}

/// The current key and any older ones still needed to read rows not yet re-encrypted.
pub struct Keyring {
    pub current: MasterKey,
    pub older: Vec<MasterKey>,
    /// The key file written at this start because there was none (a new database).
    pub generated: Option<std::path::PathBuf>,
}

impl Keyring {
    pub fn by_id(&self, id: &str) -> Option<&MasterKey> {
        std::iter::once(&self.current)
            .chain(self.older.iter())
            .find(|k| k.id == id)
    }
}

pub fn parse_key_hex(text: &str) -> AppResult<[u8; 32]> {
    let bytes = hex::decode(text.trim())
        .map_err(|_| AppError::BadRequest("Khóa bí mật phải là 64 chữ số thập lục phân.".into()))?;
    bytes
        .try_into()
        .map_err(|_| AppError::BadRequest("Khóa bí mật phải dài đúng 32 byte (64 chữ số).".into()))
}

pub fn new_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    key
}

/// Files beside the key file that hold keys of an unfinished or finished rotation
/// (`<key>.next`, `<key>.old-<id>`): loaded for decryption only.
pub fn companion_key_files(key_file: &Path) -> Vec<PathBuf> {
    let Some(name) = key_file.file_name().and_then(|n| n.to_str()) else {
        return vec![];
    };
    let dir = key_file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n == format!("{name}.next") || n.starts_with(&format!("{name}.old-"))
            })
        })
        .collect();
    out.sort();
    out
}

/// Splits a document into what is stored in clear and the sensitive fields, kept in the same
/// shape (repeating sections keyed by row index).
pub fn split_secrets(schema: &RecordSchema, doc: &RecordDoc) -> (RecordDoc, RecordDoc) {
    let mut public = doc.clone();
    let mut secret = RecordDoc::new();
    let mut by_section: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (section, field) in schema.encrypted_fields() {
        by_section
            .entry(section.id.as_str())
            .or_default()
            .push(field.id.as_str());
    }
    for (section, fields) in by_section {
        match public.get_mut(section) {
            Some(Value::Object(map)) => {
                let mut taken = serde_json::Map::new();
                for f in &fields {
                    if let Some(v) = map.remove(*f) {
                        taken.insert((*f).to_string(), v);
                    }
                }
                if !taken.is_empty() {
                    secret.insert(section.to_string(), Value::Object(taken));
                }
            }
            Some(Value::Array(rows)) => {
                let mut taken_rows = serde_json::Map::new();
                for (i, row) in rows.iter_mut().enumerate() {
                    if let Value::Object(map) = row {
                        let mut taken = serde_json::Map::new();
                        for f in &fields {
                            if let Some(v) = map.remove(*f) {
                                taken.insert((*f).to_string(), v);
                            }
                        }
                        if !taken.is_empty() {
                            taken_rows.insert(i.to_string(), Value::Object(taken));
                        }
                    }
                }
                if !taken_rows.is_empty() {
                    secret.insert(section.to_string(), Value::Object(taken_rows));
                }
            }
            _ => {}
        }
    }
    (public, secret)
}

/// The inverse of [`split_secrets`].
pub fn merge_secrets(public: &mut RecordDoc, secret: RecordDoc) {
    for (section, taken) in secret {
        let Value::Object(taken) = taken else {
            continue;
        };
        match public.get_mut(&section) {
            Some(Value::Array(rows)) => {
                for (index, fields) in taken {
                    if let (Ok(i), Value::Object(fields)) = (index.parse::<usize>(), fields)
                        && let Some(Value::Object(row)) = rows.get_mut(i)
                    {
                        row.extend(fields);
                    }
                }
            }
            Some(Value::Object(map)) => map.extend(taken),
            _ => {
                public.insert(section, Value::Object(taken));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use hoso_domain::schema::{SchemaSet, fixtures::sample_record};

    use super::*;

    #[test]
    fn seal_and_open_round_trip_and_bind_the_context() {
        let k = MasterKey::new(&[7; 32]);
        let sealed = k.seal(b"001090000123", "person:1:v1");
        assert_ne!(&sealed[12..], b"001090000123");
        assert_eq!(k.open(&sealed, "person:1:v1").unwrap(), b"001090000123");
        assert!(
            k.open(&sealed, "person:2:v1").is_none(),
            "moved to another record"
        );
        assert!(
            MasterKey::new(&[8; 32])
                .open(&sealed, "person:1:v1")
                .is_none(),
            "another key"
        );
        let mut tampered = sealed.clone();
        tampered[20] ^= 1;
        assert!(k.open(&tampered, "person:1:v1").is_none());
    }

    #[test]
    fn key_ids_differ_per_key_and_hashes_are_keyed() {
        let a = MasterKey::new(&[1; 32]);
        let b = MasterKey::new(&[2; 32]);
        assert_ne!(a.id, b.id);
        assert_eq!(a.id.len(), 12);
        assert_ne!(
            a.national_id_hash("001090000123"),
            b.national_id_hash("001090000123")
        );
        assert_eq!(
            a.national_id_hash("001090000123"),
            MasterKey::new(&[1; 32]).national_id_hash("001090000123")
        );
    }

    #[test]
    fn secrets_split_out_and_merge_back() {
        let schema = SchemaSet::embedded().latest();
        let doc = sample_record();
        let (public, secret) = split_secrets(schema, &doc);
        let id = doc["general"]["citizen_id_number"].clone();
        assert!(
            public["general"].get("citizen_id_number").is_none(),
            "no số định danh in clear"
        );
        assert_eq!(secret["general"]["citizen_id_number"], id);
        assert!(public["general"].get("birth_full_name").is_some());
        let clear_text = serde_json::to_string(&public).unwrap();
        assert!(
            !clear_text.contains(id.as_str().unwrap()),
            "the number appears nowhere in clear"
        );
        let mut merged = public;
        merge_secrets(&mut merged, secret);
        assert_eq!(
            crate::records::canonical_json(&merged),
            crate::records::canonical_json(&doc)
        );
    }
}
