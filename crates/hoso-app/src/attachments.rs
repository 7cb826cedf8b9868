//! Scanned documents (*bản số hóa*): PDF, JPEG and PNG files that prove a change, stored by
//! content (SHA-256) through `object_store` — the local disk by default, an S3-compatible bucket
//! by configuration. The type is decided from the bytes, never from the file name or the
//! client's word.

use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};

use crate::{AppError, AppResult, Config};

/// The media types accepted as evidence.
pub const ACCEPTED: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

/// Where attachment bytes live.
#[derive(Clone)]
pub struct AttachmentStore {
    inner: Arc<dyn ObjectStore>,
}

impl AttachmentStore {
    pub fn open(config: &Config) -> AppResult<AttachmentStore> {
        if let Some(url) = &config.attachments_url {
            return Self::open_s3(url, &config.attachments_options);
        }
        let dir = config.attachments_path();
        hoso_store::private_dir(&dir).map_err(|e| {
            AppError::Internal(format!(
                "cannot create attachment folder {}: {e}",
                dir.display()
            ))
        })?;
        // Scans are personal data: the folder is the owner's only (whatever the umask gives
        // the files inside, no one else can reach them).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).map_err(
                |e| AppError::Internal(format!("cannot restrict {}: {e}", dir.display())),
            )?;
        }
        let local = LocalFileSystem::new_with_prefix(&dir)
            .map_err(|e| AppError::Internal(format!("attachment store: {e}")))?;
        Ok(AttachmentStore {
            inner: Arc::new(local),
        })
    }

    fn open_s3(url: &str, options: &[(String, String)]) -> AppResult<AttachmentStore> {
        Ok(AttachmentStore {
            inner: s3_bucket("HOSO_ATTACHMENTS_URL", url, options)?,
        })
    }

    fn location(sha256: &str) -> ObjectPath {
        ObjectPath::from(format!("{}/{sha256}", &sha256[..2]))
    }

    /// Stores bytes under their hash (storing the same bytes twice is harmless).
    pub async fn put(&self, sha256: &str, bytes: Vec<u8>) -> AppResult<()> {
        self.inner
            .put(&Self::location(sha256), PutPayload::from(bytes))
            .await
            .map_err(|e| AppError::Internal(format!("attachment store write: {e}")))?;
        Ok(())
    }

    /// The hashes of every file stored (backups), in order.
    pub async fn list(&self) -> AppResult<Vec<String>> {
        use futures_util::TryStreamExt;
        let mut names: Vec<String> = self
            .inner
            .list(None)
            .map_ok(|meta| meta.location.filename().unwrap_or("").to_string())
            .try_collect()
            .await
            .map_err(|e| AppError::Internal(format!("attachment store list: {e}")))?;
        // Only what `put` writes: 64 hex digits under their first two.
        names.retain(|n| n.len() == 64 && n.bytes().all(|b| b.is_ascii_hexdigit()));
        names.sort();
        Ok(names)
    }

    /// The bytes stored under a hash, checked against it (a file changed on disk is an error,
    /// never served).
    pub async fn get(&self, sha256: &str) -> AppResult<Vec<u8>> {
        let bytes = self
            .inner
            .get(&Self::location(sha256))
            .await
            .map_err(|e| AppError::Internal(format!("attachment store read: {e}")))?
            .bytes()
            .await
            .map_err(|e| AppError::Internal(format!("attachment store read: {e}")))?
            .to_vec();
        if sha256_hex(&bytes) != sha256 {
            return Err(AppError::Internal(format!(
                "attachment {sha256} does not match its hash"
            )));
        }
        Ok(bytes)
    }
}

/// An S3-compatible bucket (`s3://bucket/prefix`, the value of the `setting`): credentials,
/// region and endpoint from the `AWS_*` environment, overridden by `options`.
pub(crate) fn s3_bucket(
    setting: &str,
    url: &str,
    options: &[(String, String)],
) -> AppResult<Arc<dyn ObjectStore>> {
    use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
    let bad = |why: String| {
        AppError::Internal(format!(
            "{setting} '{url}' không dùng được (cần dạng s3://tên-bucket/thư-mục): {why}"
        ))
    };
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| bad("chỉ hỗ trợ s3://".into()))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(bad("thiếu tên bucket".into()));
    }
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
    for (key, value) in options {
        let key: AmazonS3ConfigKey = key
            .parse()
            .map_err(|e| bad(format!("tùy chọn '{key}': {e}")))?;
        builder = builder.with_config(key, value);
    }
    let s3 = builder.build().map_err(|e| bad(e.to_string()))?;
    let prefix = prefix.trim_matches('/');
    Ok(if prefix.is_empty() {
        Arc::new(s3)
    } else {
        Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
    })
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Checks an uploaded file: not empty, not too large, a PDF, JPEG or PNG by its content, and
/// complete (a truncated scan is refused). Returns its media type.
pub fn check_upload(file_name: &str, bytes: &[u8], max_bytes: usize) -> AppResult<&'static str> {
    if bytes.is_empty() {
        return Err(AppError::BadRequest(format!("Tệp “{file_name}” rỗng.")));
    }
    if bytes.len() > max_bytes {
        return Err(AppError::BadRequest(format!(
            "Tệp “{file_name}” quá lớn ({} MB); tối đa {} MB.",
            format_mb(bytes.len()),
            format_mb(max_bytes)
        )));
    }
    let media = match infer::get(bytes).map(|t| t.mime_type()) {
        Some("application/pdf") => "application/pdf",
        Some("image/jpeg") => "image/jpeg",
        Some("image/png") => "image/png",
        other => {
            return Err(AppError::BadRequest(format!(
                "Tệp “{file_name}” không phải PDF, JPEG hay PNG (nội dung là {}). Chỉ nhận bản quét dạng PDF, JPEG hoặc PNG.",
                other.unwrap_or("không xác định")
            )));
        }
    };
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let complete = match media {
        "application/pdf" => tail.windows(5).any(|w| w == b"%%EOF"),
        "image/jpeg" => tail.windows(2).any(|w| w == [0xFF, 0xD9]),
        _ => tail.windows(4).any(|w| w == b"IEND"),
    };
    if !complete {
        return Err(AppError::BadRequest(format!(
            "Tệp “{file_name}” bị hỏng hoặc tải lên không trọn vẹn (thiếu phần kết thúc tệp). Vui lòng quét hoặc tải lại."
        )));
    }
    Ok(media)
}

fn format_mb(bytes: usize) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    format!("{mb:.1}").replace('.', ",")
}

/// A file name safe to show and to put in a download header: no path, no control characters,
/// at most 120 characters.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "tep-dinh-kem".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn pdf() -> Vec<u8> {
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec()
    }

    #[test]
    fn accepts_complete_pdf_jpeg_png_by_content() {
        assert_eq!(
            check_upload("a.pdf", &pdf(), 1000).unwrap(),
            "application/pdf"
        );
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 0xFF, 0xD9,
        ];
        assert_eq!(check_upload("a.jpg", &jpeg, 1000).unwrap(), "image/jpeg");
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.extend_from_slice(b"\0\0\0\0IEND\xAE\x42\x60\x82");
        assert_eq!(check_upload("a.png", &png, 1000).unwrap(), "image/png");
    }

    #[test]
    fn refuses_wrong_type_truncated_empty_and_oversized_files() {
        let msg = |r: AppResult<&'static str>| r.unwrap_err().to_string();
        assert!(msg(check_upload("x.pdf", b"MZ\x90\0 not a pdf", 1000)).contains("không phải PDF"));
        assert!(msg(check_upload("x.pdf", b"%PDF-1.4\n1 0 obj", 1000)).contains("bị hỏng"));
        assert!(msg(check_upload("x.pdf", b"", 1000)).contains("rỗng"));
        assert!(msg(check_upload("x.pdf", &pdf(), 10)).contains("quá lớn"));
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(
            clean_file_name("C:\\scan\\QĐ nâng lương.pdf"),
            "QĐ nâng lương.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b\n.pdf"), "ab.pdf");
        assert_eq!(clean_file_name("///"), "tep-dinh-kem");
    }
}
