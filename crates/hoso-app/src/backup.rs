//! Backup and restore (issue 15, F15): LS Điều 5 khoản 2 điểm m and Điều 10 khoản 2, ĐN Điều
//! 12 khoản 4 (daily, used only on the written authorisation of a competent authority), LC
//! Điều 11 khoản 1 (monthly, kept at least three months).
//!
//! An archive is one file: a tar stream, gzip-compressed, encrypted with age under the
//! configured passphrase (scrypt), so a stolen backup reveals nothing, and `age -d` opens it
//! without Hoso. Its entries, in order:
//! - `hoso-backup.json`: the [`Header`] (format, Hoso version, source database, migrations);
//! - `keys/current`, `keys/next`, `keys/old-<id>`: the key files (the records' sealed fields
//!   and the hashes of identifiers are worthless without them);
//! - `db/<table>/<n>.jsonl`: every data table from one snapshot (`hoso_store::dump`), in
//!   chunks whose first line names the columns and each further line is a row;
//! - `attachments/<sha256>`: every file of the attachment store;
//! - `manifest.json`: the [`Manifest`], with each table's row count and hash, the record
//!   versions' head digest and the audit chain's head.
//!
//! A restore reads the archive twice: once to check it whole (passphrase, integrity, every
//! hash against the manifest) before anything is written, then to load it into an empty
//! database of either kind in one transaction, with the tables as the backup's version had
//! them, before the later migrations bring them up to date. [`App::verify_restored`] then
//! checks the version chains, the audit chain, the counts and hashes, and that the
//! projections rebuild to the same rows.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use utoipa::ToSchema;

use hoso_domain::audit_action::AuditAction;
use hoso_store::dump::{self, Table};
use hoso_store::{StoreError, backups as store};

use crate::authz::Attempt;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo, Config, Secret};

/// The archive format this code writes and the newest it reads.
pub const FORMAT: u32 = 1;
const HEADER_ENTRY: &str = "hoso-backup.json";
const MANIFEST_ENTRY: &str = "manifest.json";
/// A table's rows are cut into entries of about this size (memory stays bounded).
const CHUNK_BYTES: usize = 4 << 20;
/// No entry of a real archive is larger (chunks are 4 MiB, attachments at most the upload
/// limit): a larger one is refused rather than read into memory.
const MAX_ENTRY_BYTES: u64 = 256 << 20;
/// Entries in flight between the database and the compressing thread.
const QUEUE: usize = 4;
/// A backup run older than this that never finished died with its process.
const STALE_RUN_MS: i64 = 6 * 3_600_000;
/// Tables whose rows a start of the application rewrites (compared by count only).
const REWRITTEN_AT_START: [&str; 1] = ["projection_state"];
/// A restore goes only into a database where none of these holds a row.
const DATA_TABLES: [&str; 6] = [
    "persons",
    "record_versions",
    "accounts",
    "org_units",
    "catalog_items",
    "audit_log",
];

/// What an archive says of itself before its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Header {
    pub format: u32,
    /// The Hoso version that wrote it.
    pub app_version: String,
    /// sqlite or postgres.
    pub backend: String,
    /// The migrations the source database had.
    pub migrations: Vec<i64>,
    /// When the snapshot was taken (Unix milliseconds, the app's clock).
    pub created_at: i64,
}

impl Header {
    fn last_migration(&self) -> i64 {
        self.migrations.last().copied().unwrap_or(0)
    }
}

/// One table in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TableSum {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: u64,
    /// SHA-256 of its row lines, in key order.
    pub sha256: String,
}

/// What the archive holds, written last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Manifest {
    pub header: Header,
    pub tables: Vec<TableSum>,
    pub people: i64,
    pub versions: i64,
    /// Digest of every record's newest version hash, in person order.
    pub version_heads: String,
    pub audit_entries: i64,
    /// The audit chain's last hash.
    pub audit_head: String,
    pub attachments: u64,
    pub attachment_bytes: u64,
    /// The key entries (`keys/current`, `keys/old-…`).
    pub keys: Vec<String>,
}

/// A line of a table's chunk: the row's values as a JSON array.
fn row_line(values: &[Value]) -> String {
    let mut line = Value::Array(values.to_vec()).to_string();
    line.push('\n');
    line
}

#[derive(Default)]
struct TableHash {
    rows: u64,
    sha: Sha256,
}

impl TableHash {
    fn add(&mut self, line: &str) {
        self.rows += 1;
        self.sha.update(line.as_bytes());
    }

    fn finish(self) -> (u64, String) {
        (self.rows, hex::encode(self.sha.finalize()))
    }
}

fn corrupt(why: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!(
        "Bản sao lưu bị hỏng hoặc không trọn vẹn ({why}). Không có gì được ghi."
    ))
}

/// An input/output failure as the system administrator reads it.
fn io_vi(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::StorageFull => "ổ đĩa đã đầy".into(),
        std::io::ErrorKind::PermissionDenied => "không có quyền ghi".into(),
        std::io::ErrorKind::QuotaExceeded => "đã hết hạn mức dung lượng".into(),
        _ => e.to_string(),
    }
}

fn io_internal(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("{what}: {e}"))
}

// ----- The archive file: tar → gzip → age, written and read on a blocking thread. -----

/// Counts and hashes what goes through to the file.
struct Hashing<W> {
    inner: W,
    sha: Sha256,
    len: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

type Entry = (String, Vec<u8>);

/// Writes the entries it receives into `path` as an encrypted archive; returns its size and
/// SHA-256 once the sender is dropped.
fn write_archive(
    path: &Path,
    passphrase: &Secret,
    mut entries: mpsc::Receiver<Entry>,
) -> std::io::Result<(u64, String)> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    let hashing = Hashing {
        inner: std::io::BufWriter::new(file),
        sha: Sha256::new(),
        len: 0,
    };
    let encryptor = age::Encryptor::with_user_passphrase(age::secrecy::SecretString::from(
        passphrase.expose().to_string(),
    ));
    let encrypted = encryptor.wrap_output(hashing)?;
    let gz = flate2::write::GzEncoder::new(encrypted, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    while let Some((name, bytes)) = entries.blocking_recv() {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        tar.append_data(&mut header, &name, bytes.as_slice())?;
    }
    let gz = tar.into_inner()?;
    let encrypted = gz.finish()?;
    let hashing = encrypted.finish()?;
    let Hashing { inner, sha, len } = hashing;
    let file = inner.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok((len, hex::encode(sha.finalize())))
}

/// Reads an archive's entries in order and sends them; a failure is sent as the last item.
fn read_archive(path: &Path, passphrase: &Secret, out: &mpsc::Sender<AppResult<Entry>>) {
    let result = (|| -> AppResult<()> {
        let file = std::fs::File::open(path).map_err(|e| {
            AppError::BadRequest(format!("Không mở được tệp sao lưu {}: {e}", path.display()))
        })?;
        let decryptor =
            age::Decryptor::new_buffered(std::io::BufReader::new(file)).map_err(|_| {
                AppError::BadRequest(
                    "Tệp này không phải bản sao lưu của Hoso (không có phần đầu tệp mã hóa age)."
                        .into(),
                )
            })?;
        let identity = age::scrypt::Identity::new(age::secrecy::SecretString::from(
            passphrase.expose().to_string(),
        ));
        let reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => {
                    AppError::BadRequest(
                        "Sai mật khẩu sao lưu (HOSO_BACKUP_PASSPHRASE): không giải mã được bản sao lưu."
                            .into(),
                    )
                }
                other => corrupt(other),
            })?;
        let gz = flate2::read::GzDecoder::new(reader);
        let mut archive = tar::Archive::new(gz);
        for entry in archive.entries().map_err(corrupt)? {
            let mut entry = entry.map_err(corrupt)?;
            let name = entry
                .path()
                .map_err(corrupt)?
                .to_string_lossy()
                .into_owned();
            if entry.size() > MAX_ENTRY_BYTES {
                return Err(corrupt(format!("mục {name} quá lớn")));
            }
            let mut bytes = Vec::with_capacity(entry.size() as usize);
            entry.read_to_end(&mut bytes).map_err(corrupt)?;
            if out.blocking_send(Ok((name, bytes))).is_err() {
                return Ok(());
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = out.blocking_send(Err(e));
    }
}

fn spawn_reader(path: &Path, passphrase: &Secret) -> mpsc::Receiver<AppResult<Entry>> {
    let (tx, rx) = mpsc::channel(QUEUE);
    let path = path.to_path_buf();
    let passphrase = passphrase.clone();
    tokio::task::spawn_blocking(move || read_archive(&path, &passphrase, &tx));
    rx
}

// ----- Keys. -----

/// The key entries of this installation: the key in force and the companions of a rotation.
fn key_entries(config: &Config) -> AppResult<Vec<Entry>> {
    let mut out = Vec::new();
    let current = match &config.secret_key_hex {
        Some(hex) => hex.expose().trim().to_string(),
        None => std::fs::read_to_string(&config.key_file)
            .map_err(|e| io_internal("cannot read the key file", e))?
            .trim()
            .to_string(),
    };
    out.push(("keys/current".to_string(), current.into_bytes()));
    if config.secret_key_hex.is_none() {
        let name = config
            .key_file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("hoso.key")
            .to_string();
        for path in crate::crypto::companion_key_files(&config.key_file) {
            let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let suffix = file
                .trim_start_matches(name.as_str())
                .trim_start_matches('.');
            let text =
                std::fs::read_to_string(&path).map_err(|e| io_internal("cannot read a key", e))?;
            out.push((format!("keys/{suffix}"), text.trim().as_bytes().to_vec()));
        }
    }
    Ok(out)
}

/// Where a key entry goes beside `key_file`.
fn key_path(key_file: &Path, entry: &str) -> Option<PathBuf> {
    let suffix = entry.strip_prefix("keys/")?;
    if suffix == "current" {
        return Some(key_file.to_path_buf());
    }
    let valid = suffix == "next"
        || suffix
            .strip_prefix("old-")
            .is_some_and(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()));
    if !valid {
        return None;
    }
    let name = key_file.file_name()?.to_str()?;
    Some(key_file.with_file_name(format!("{name}.{suffix}")))
}

/// Refuses a restore whose keys would clash with the target's: a key file already there must
/// be the archive's (else the restored rows could not be read, or the target's own would be
/// lost).
fn check_target_keys(config: &Config, keys: &[Entry]) -> AppResult<()> {
    let Some((_, current)) = keys.iter().find(|(n, _)| n == "keys/current") else {
        return Err(corrupt("không có khóa"));
    };
    let current = String::from_utf8_lossy(current).trim().to_string();
    let existing = match &config.secret_key_hex {
        Some(hex) => Some(hex.expose().trim().to_string()),
        None => std::fs::read_to_string(&config.key_file)
            .ok()
            .map(|t| t.trim().to_string()),
    };
    if let Some(existing) = existing
        && existing != current
    {
        return Err(AppError::BadRequest(format!(
            "Khóa mã hóa đang cấu hình ({}) khác khóa trong bản sao lưu: khôi phục sẽ làm dữ liệu không đọc được. \
             Hãy dùng một tệp khóa chưa tồn tại (HOSO_KEY_FILE) để Hoso ghi khóa của bản sao lưu vào đó.",
            if config.secret_key_hex.is_some() {
                "HOSO_SECRET_KEY".to_string()
            } else {
                config.key_file.display().to_string()
            }
        )));
    }
    Ok(())
}

fn write_keys(config: &Config, keys: &[Entry]) -> AppResult<()> {
    for (name, bytes) in keys {
        let Some(path) = key_path(&config.key_file, name) else {
            continue;
        };
        if name == "keys/current" && config.secret_key_hex.is_some() {
            continue;
        }
        if path.exists() {
            continue;
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            hoso_store::private_dir(dir).map_err(|e| io_internal("cannot create key folder", e))?;
        }
        crate::write_private_file(&path, bytes)
            .map_err(|e| io_internal("cannot write a key file", e))?;
    }
    Ok(())
}

// ----- Reading an archive through. -----

/// What a pass over an archive found.
struct Pass {
    header: Header,
    manifest: Manifest,
    keys: Vec<Entry>,
}

/// What a pass does with the data as it comes.
trait Sink {
    async fn rows(
        &mut self,
        _table: &str,
        _columns: &[String],
        _rows: Vec<Vec<Value>>,
    ) -> AppResult<()> {
        Ok(())
    }
    async fn attachment(&mut self, _sha256: &str, _bytes: Vec<u8>) -> AppResult<()> {
        Ok(())
    }
}

/// Only checks.
struct Check;
impl Sink for Check {}

fn parse_header(bytes: &[u8]) -> AppResult<Header> {
    let header: Header = serde_json::from_slice(bytes).map_err(corrupt)?;
    if header.format > FORMAT || header.last_migration() > hoso_store::migrate::latest() {
        return Err(AppError::BadRequest(format!(
            "Bản sao lưu do phiên bản Hoso mới hơn tạo ({}; cấu trúc dữ liệu {}), phiên bản này chỉ đọc đến cấu trúc {}. \
             Hãy khôi phục bằng phiên bản Hoso {} trở lên.",
            header.app_version,
            header.last_migration(),
            hoso_store::migrate::latest(),
            header.app_version
        )));
    }
    Ok(header)
}

/// Reads `path` through, checking every hash against the manifest, and hands the data to
/// `sink`. Fails (with a Vietnamese message) on a wrong passphrase, a foreign or damaged file,
/// an archive from a newer version, or anything that does not match.
async fn pass(path: &Path, passphrase: &Secret, sink: &mut impl Sink) -> AppResult<Pass> {
    let mut entries = spawn_reader(path, passphrase);
    let mut header: Option<Header> = None;
    let mut keys = Vec::new();
    let mut hashes: BTreeMap<String, (Vec<String>, TableHash)> = BTreeMap::new();
    let mut attachments = 0u64;
    let mut attachment_bytes = 0u64;
    let mut manifest: Option<Manifest> = None;
    while let Some(entry) = entries.recv().await {
        let (name, bytes) = entry?;
        if manifest.is_some() {
            return Err(corrupt("có dữ liệu sau bảng kê"));
        }
        if header.is_none() {
            if name != HEADER_ENTRY {
                return Err(AppError::BadRequest(
                    "Tệp này không phải bản sao lưu của Hoso (thiếu phần mô tả ở đầu).".into(),
                ));
            }
            header = Some(parse_header(&bytes)?);
            continue;
        }
        if name.starts_with("keys/") {
            keys.push((name, bytes));
        } else if let Some(rest) = name.strip_prefix("db/") {
            let table = rest.split('/').next().unwrap_or("").to_string();
            let text = String::from_utf8(bytes).map_err(corrupt)?;
            let mut lines = text.split_inclusive('\n');
            let columns: Vec<String> = serde_json::from_str(lines.next().unwrap_or(""))
                .map_err(|e| corrupt(format!("{name}: {e}")))?;
            let (known, hash) = hashes
                .entry(table.clone())
                .or_insert_with(|| (columns.clone(), TableHash::default()));
            if *known != columns {
                return Err(corrupt(format!("{name}: cột khác phần trước")));
            }
            let mut rows = Vec::new();
            for line in lines {
                hash.add(line);
                let values: Vec<Value> =
                    serde_json::from_str(line).map_err(|e| corrupt(format!("{name}: {e}")))?;
                rows.push(values);
            }
            sink.rows(&table, &columns, rows).await?;
        } else if let Some(sha) = name.strip_prefix("attachments/") {
            if crate::attachments::sha256_hex(&bytes) != sha {
                return Err(corrupt(format!("tệp đính kèm {sha} không khớp mã băm")));
            }
            attachments += 1;
            attachment_bytes += bytes.len() as u64;
            sink.attachment(sha, bytes).await?;
        } else if name == MANIFEST_ENTRY {
            manifest = Some(serde_json::from_slice(&bytes).map_err(corrupt)?);
        } else {
            return Err(corrupt(format!("mục lạ {name}")));
        }
    }
    let header = header.ok_or_else(|| {
        AppError::BadRequest("Tệp này không phải bản sao lưu của Hoso (tệp rỗng).".into())
    })?;
    let manifest = manifest.ok_or_else(|| corrupt("thiếu bảng kê ở cuối tệp"))?;
    if manifest.header != header {
        return Err(corrupt("bảng kê không khớp phần mô tả"));
    }
    for t in &manifest.tables {
        let (rows, sha) = match hashes.remove(&t.name) {
            Some((_, hash)) => hash.finish(),
            None => TableHash::default().finish(),
        };
        if rows != t.rows || sha != t.sha256 {
            return Err(corrupt(format!(
                "bảng {}: {rows} dòng đọc được, bảng kê ghi {}",
                t.name, t.rows
            )));
        }
    }
    if let Some(extra) = hashes.keys().next() {
        return Err(corrupt(format!("bảng {extra} không có trong bảng kê")));
    }
    if attachments != manifest.attachments || attachment_bytes != manifest.attachment_bytes {
        return Err(corrupt(format!(
            "{attachments} tệp đính kèm đọc được, bảng kê ghi {}",
            manifest.attachments
        )));
    }
    let mut key_names: Vec<String> = keys.iter().map(|(n, _)| n.clone()).collect();
    key_names.sort();
    let mut listed = manifest.keys.clone();
    listed.sort();
    if key_names != listed {
        return Err(corrupt("các khóa không khớp bảng kê"));
    }
    Ok(Pass {
        header,
        manifest,
        keys,
    })
}

/// Reads an archive through and checks it whole (nothing is written anywhere).
pub async fn check_archive(path: &Path, passphrase: &Secret) -> AppResult<Manifest> {
    Ok(pass(path, passphrase, &mut Check).await?.manifest)
}

fn passphrase_of(config: &Config) -> AppResult<&Secret> {
    config.backup_passphrase.as_ref().ok_or_else(|| {
        AppError::BadRequest(
            "Chưa đặt mật khẩu sao lưu (HOSO_BACKUP_PASSPHRASE / backup_passphrase): bản sao lưu chứa cả khóa mã hóa nên Hoso không sao lưu hay khôi phục khi không có nó."
                .into(),
        )
    })
}

/// Loads the data of a pass into the restore's transaction and the attachment store.
struct Load<'a> {
    tx: &'a mut hoso_store::WriteTx,
    tables: &'a [Table],
    attachments: &'a crate::attachments::AttachmentStore,
}

impl Sink for Load<'_> {
    async fn rows(
        &mut self,
        table: &str,
        columns: &[String],
        rows: Vec<Vec<Value>>,
    ) -> AppResult<()> {
        let target = self
            .tables
            .iter()
            .find(|t| t.name == table)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "Cơ sở dữ liệu đích không có bảng {table} của bản sao lưu."
                ))
            })?;
        dump::insert_rows(&mut *self.tx, target, columns, &rows)
            .await
            .map_err(|e| match e {
                StoreError::Invalid(m) => corrupt(m),
                other => other.into(),
            })
    }

    async fn attachment(&mut self, sha256: &str, bytes: Vec<u8>) -> AppResult<()> {
        self.attachments.put(sha256, bytes).await
    }
}

/// Restores `path` into the database, key file and attachment store `config` names. The
/// database must hold no data; `decision` is the written authorisation the restore rests on
/// (ĐN Điều 12 khoản 4), recorded by [`App::verify_restored`]. Nothing is written unless the
/// whole archive checks out first; the data goes in as one transaction.
pub async fn restore(config: &Config, path: &Path, decision: &str) -> AppResult<Manifest> {
    if decision.trim().chars().count() < 3 || decision.chars().count() > 300 {
        return Err(AppError::BadRequest(
            "Cần ghi văn bản cho phép sử dụng bản sao lưu (số, ngày, người ký; ĐN Điều 12 khoản 4), từ 3 đến 300 ký tự."
                .into(),
        ));
    }
    let passphrase = passphrase_of(config)?;
    let checked = pass(path, passphrase, &mut Check).await?;
    check_target_keys(config, &checked.keys)?;
    let store = hoso_store::Store::connect(&config.database_url).await?;
    let result = restore_into(config, &store, path, passphrase, &checked).await;
    store.close().await;
    result?;
    write_keys(config, &checked.keys)?;
    Ok(checked.manifest)
}

async fn restore_into(
    config: &Config,
    store: &hoso_store::Store,
    path: &Path,
    passphrase: &Secret,
    checked: &Pass,
) -> AppResult<()> {
    let mut conn = store.reader().await?;
    let applied = hoso_store::migrate::applied(&mut conn).await?;
    drop(conn);
    let last = checked.header.last_migration();
    if applied.last().is_some_and(|&v| v > last) {
        return Err(AppError::BadRequest(format!(
            "Cơ sở dữ liệu đích đã ở cấu trúc {} (mới hơn bản sao lưu, {last}): hãy khôi phục vào một cơ sở dữ liệu mới tạo, chưa chạy Hoso.",
            applied.last().copied().unwrap_or(0)
        )));
    }
    hoso_store::migrate::run_until(store, last).await?;
    let mut conn = store.reader().await?;
    let tables = dump::tables(&mut conn).await?;
    let data: Vec<Table> = tables
        .iter()
        .filter(|t| DATA_TABLES.contains(&t.name.as_str()))
        .cloned()
        .collect();
    if let Some(table) = dump::first_table_with_rows(&mut conn, &data).await? {
        return Err(AppError::BadRequest(format!(
            "Cơ sở dữ liệu đích đã có dữ liệu (bảng {table}): chỉ khôi phục vào cơ sở dữ liệu trống. Không có gì được ghi."
        )));
    }
    drop(conn);
    let attachments = crate::attachments::AttachmentStore::open(config)?;
    let mut tx = store.begin().await?;
    dump::clear(&mut tx, &tables).await?;
    let mut load = Load {
        tx: &mut tx,
        tables: &tables,
        attachments: &attachments,
    };
    let again = pass(path, passphrase, &mut load).await?;
    if again.manifest != checked.manifest {
        return Err(corrupt("tệp đã đổi giữa hai lần đọc"));
    }
    dump::continue_identities(&mut tx, &tables).await?;
    tx.commit().await.map_err(StoreError::from)?;
    // Then up to this version's structure: the upgrade path of an older backup.
    hoso_store::migrate::run_until(store, hoso_store::migrate::latest()).await?;
    Ok(())
}

// ----- Where the archives are kept. -----

/// Where finished archives are kept: the backup folder, or an S3-compatible bucket (the
/// seeds want backups on separate media). Either way an archive is first written to the
/// backup folder as `<name>.part`, so a run killed half-way never leaves a file that looks
/// finished.
enum Destination {
    Folder(PathBuf),
    Bucket {
        url: String,
        bucket: std::sync::Arc<dyn object_store::ObjectStore>,
    },
}

/// Parts of an upload to the bucket, and how many are sent at once.
const UPLOAD_PART_BYTES: usize = 8 << 20;
const UPLOADS_IN_FLIGHT: usize = 4;

impl Destination {
    fn of(config: &Config) -> AppResult<Destination> {
        Ok(match &config.backup_url {
            Some(url) => Destination::Bucket {
                url: url.clone(),
                bucket: crate::attachments::s3_bucket(
                    "HOSO_BACKUP_URL",
                    url,
                    &config.backup_options,
                )?,
            },
            None => Destination::Folder(config.backup_path()),
        })
    }

    fn describe(&self) -> String {
        match self {
            Destination::Folder(folder) => folder.display().to_string(),
            Destination::Bucket { url, .. } => url.clone(),
        }
    }

    /// Puts the finished archive `staged` in its place as `file_name`.
    async fn keep(&self, staged: &Path, file_name: &str) -> AppResult<()> {
        match self {
            Destination::Folder(folder) => {
                let path = folder.join(file_name);
                std::fs::rename(staged, &path)
                    .map_err(|e| io_internal("không đổi tên được tệp sao lưu", e))?;
                // The new name is durable only once the folder is.
                if let Ok(dir) = std::fs::File::open(folder) {
                    let _ = dir.sync_all();
                }
                Ok(())
            }
            Destination::Bucket { bucket, .. } => {
                upload(bucket.as_ref(), staged, file_name).await?;
                let _ = std::fs::remove_file(staged);
                Ok(())
            }
        }
    }

    /// A local file holding the archive `file_name`: the archive itself in the folder, or a
    /// copy downloaded from the bucket into a temporary folder inside `staging` (removed when
    /// the returned guard is dropped).
    async fn fetch(
        &self,
        file_name: &str,
        staging: &Path,
    ) -> AppResult<(PathBuf, Option<tempfile::TempDir>)> {
        match self {
            Destination::Folder(folder) => Ok((folder.join(file_name), None)),
            Destination::Bucket { bucket, .. } => {
                let scratch = tempfile::tempdir_in(staging)
                    .map_err(|e| io_internal("không tạo được thư mục tạm", e))?;
                use futures_util::TryStreamExt;
                use object_store::ObjectStoreExt;
                let fetched = bucket
                    .get(&object_store::path::Path::from(file_name))
                    .await
                    .map_err(|e| missing_or_unreachable(file_name, e))?;
                let path = scratch.path().join(file_name);
                let mut file = std::fs::File::create(&path)
                    .map_err(|e| io_internal("không tạo được tệp tải về", e))?;
                let mut chunks = fetched.into_stream();
                while let Some(chunk) = chunks
                    .try_next()
                    .await
                    .map_err(|e| io_internal("không tải được bản sao lưu", e))?
                {
                    file.write_all(&chunk)
                        .map_err(|e| io_internal("không ghi được tệp tải về", e))?;
                }
                file.sync_all()
                    .map_err(|e| io_internal("không ghi được tệp tải về", e))?;
                Ok((path, Some(scratch)))
            }
        }
    }

    /// Deletes the archive `file_name`; one already gone is no error.
    async fn delete(&self, file_name: &str) -> AppResult<()> {
        match self {
            Destination::Folder(folder) => match std::fs::remove_file(folder.join(file_name)) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(io_internal("không xóa được bản sao lưu cũ", e)),
            },
            Destination::Bucket { bucket, .. } => {
                use object_store::ObjectStoreExt;
                match bucket
                    .delete(&object_store::path::Path::from(file_name))
                    .await
                {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                    Err(e) => Err(io_internal("không xóa được bản sao lưu cũ", e)),
                }
            }
        }
    }
}

fn missing_or_unreachable(file_name: &str, e: object_store::Error) -> AppError {
    match e {
        object_store::Error::NotFound { .. } => AppError::BadRequest(format!(
            "Không còn tệp {file_name} trong nơi lưu bản sao lưu."
        )),
        other => io_internal("không tải được bản sao lưu", other),
    }
}

/// Sends `staged` to the bucket in parts, a few at a time, so memory stays bounded whatever
/// the archive's size; a failed upload is aborted and leaves no object.
async fn upload(
    bucket: &dyn object_store::ObjectStore,
    staged: &Path,
    file_name: &str,
) -> AppResult<()> {
    use object_store::ObjectStoreExt;
    let location = object_store::path::Path::from(file_name);
    let started = bucket
        .put_multipart(&location)
        .await
        .map_err(|e| io_internal("không gửi được bản sao lưu lên kho lưu trữ", e))?;
    let mut writer = object_store::WriteMultipart::new_with_chunk_size(started, UPLOAD_PART_BYTES);
    let sent = async {
        let mut file = std::fs::File::open(staged)
            .map_err(|e| io_internal("không đọc được tệp sao lưu", e))?;
        let mut buffer = vec![0u8; UPLOAD_PART_BYTES];
        loop {
            let n = file
                .read(&mut buffer)
                .map_err(|e| io_internal("không đọc được tệp sao lưu", e))?;
            if n == 0 {
                break;
            }
            writer
                .wait_for_capacity(UPLOADS_IN_FLIGHT)
                .await
                .map_err(|e| io_internal("không gửi được bản sao lưu lên kho lưu trữ", e))?;
            writer.write(&buffer[..n]);
        }
        Ok::<(), AppError>(())
    }
    .await;
    match sent {
        Ok(()) => {
            writer
                .finish()
                .await
                .map_err(|e| io_internal("không gửi được bản sao lưu lên kho lưu trữ", e))?;
            Ok(())
        }
        Err(e) => {
            let _ = writer.abort().await;
            Err(e)
        }
    }
}

// ----- Taking a backup. -----

/// A backup as the system administrator sees it. Instants are Unix milliseconds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BackupView {
    pub id: i64,
    pub file_name: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// running, succeeded, failed, pruned.
    pub status: String,
    pub status_label: String,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub people: Option<i64>,
    pub versions: Option<i64>,
    pub audit_entries: Option<i64>,
    pub attachments: Option<i64>,
    /// Why it failed (never personal data).
    pub error: Option<String>,
    pub verified_at: Option<i64>,
    /// passed, failed; none when not verified yet.
    pub verify_status: Option<String>,
    pub verify_note: Option<String>,
}

impl From<store::BackupRow> for BackupView {
    fn from(r: store::BackupRow) -> BackupView {
        let status_label = match r.status.as_str() {
            "running" => "Đang sao lưu",
            "succeeded" => "Thành công",
            "failed" => "Thất bại",
            "pruned" => "Đã xóa (hết hạn lưu giữ)",
            other => other,
        }
        .to_string();
        BackupView {
            id: r.id,
            file_name: r.file_name,
            started_at: r.started_at,
            finished_at: r.finished_at,
            status: r.status,
            status_label,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            people: r.people,
            versions: r.versions,
            audit_entries: r.audit_entries,
            attachments: r.attachments,
            error: r.error,
            verified_at: r.verified_at,
            verify_status: r.verify_status,
            verify_note: r.verify_note,
        }
    }
}

/// The backups page: the runs, and whether the last good one is too old.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BackupOverview {
    pub backups: Vec<BackupView>,
    /// Whether a passphrase is configured (without one nothing is backed up).
    pub configured: bool,
    /// The folder or bucket (`s3://…`) the archives are kept in.
    pub destination: String,
    /// When the newest good backup finished.
    pub last_good_at: Option<i64>,
    /// Set when there is no good backup newer than `backup_max_age_hours`.
    pub warning: Option<String>,
}

/// What a check of a restored database found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Verification {
    pub passed: bool,
    /// In Vietnamese: what was checked, or the first thing that did not match.
    pub note: String,
}

impl App {
    async fn require_backups_admin(
        &self,
        actor: &Actor,
        action: AuditAction,
        client: &ClientInfo,
    ) -> AppResult<()> {
        self.require_system_admin(
            actor,
            Attempt {
                action,
                about: About::kind("backup"),
                client,
            },
            "only the system administrator manages backups",
        )
        .await
    }

    /// The backups taken, newest first (system administrator).
    pub async fn backups(&self, actor: &Actor, client: &ClientInfo) -> AppResult<BackupOverview> {
        self.require_backups_admin(actor, AuditAction::BackupCreate, client)
            .await?;
        let mut conn = self.store.reader().await?;
        let rows = store::list(&mut conn, 200).await?;
        let last_good_at = store::last_good_at(&mut conn).await?;
        Ok(BackupOverview {
            backups: rows.into_iter().map(BackupView::from).collect(),
            configured: self.config.backup_passphrase.is_some(),
            destination: Destination::of(&self.config)?.describe(),
            last_good_at,
            warning: self.backup_warning(last_good_at),
        })
    }

    /// What the system administrator's home page warns of: no good backup recent enough (or
    /// none at all, or no passphrase to take one). Nothing for anyone else.
    pub async fn backup_alert(&self, actor: &Actor) -> AppResult<Option<String>> {
        if !actor.is_system_admin() {
            return Ok(None);
        }
        let mut conn = self.store.reader().await?;
        let last_good_at = store::last_good_at(&mut conn).await?;
        Ok(self.backup_warning(last_good_at))
    }

    /// The warning the system administrator sees when the last good backup is too old (or
    /// there is none), on the app's clock.
    pub(crate) fn backup_warning(&self, last_good_at: Option<i64>) -> Option<String> {
        let limit = self.config.backup_max_age_hours;
        if self.config.backup_passphrase.is_none() {
            return Some(
                "Chưa sao lưu: chưa đặt mật khẩu sao lưu (HOSO_BACKUP_PASSPHRASE). Quy chế yêu cầu sao lưu định kỳ (LS Điều 10, ĐN Điều 12, LC Điều 11)."
                    .into(),
            );
        }
        match last_good_at {
            None => Some("Chưa có bản sao lưu thành công nào.".into()),
            Some(at) if self.now_ms() - at > limit * 3_600_000 => Some(format!(
                "Bản sao lưu thành công gần nhất đã cũ hơn {limit} giờ ({} giờ trước).",
                (self.now_ms() - at) / 3_600_000
            )),
            Some(_) => None,
        }
    }

    /// Takes a backup now into the backup folder and records it; `actor` None for the daily
    /// job and the command line. Returns the run as it ended.
    pub async fn take_backup(&self, created_by: Option<i64>) -> AppResult<BackupView> {
        let passphrase = passphrase_of(&self.config)?.clone();
        let destination = Destination::of(&self.config)?;
        let folder = self.config.backup_path();
        hoso_store::private_dir(&folder)
            .map_err(|e| io_internal("cannot create the backup folder", e))?;
        let started = self.now_ms();
        let stamp =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(started) * 1_000_000)
                .map_err(|e| io_internal("time", e))?;
        let stamp = stamp
            .format(time::macros::format_description!(
                "[year][month][day]-[hour][minute][second]-[subsecond digits:3]"
            ))
            .map_err(|e| io_internal("time", e))?;
        let file_name = format!("hoso-{stamp}.tar.gz.age");
        let mut tx = self.store.begin().await?;
        // A run still "running" hours later died with its process (killed, power lost): its
        // partial file goes and the run is marked as what it is.
        for stale in store::running_before(&mut tx, started - STALE_RUN_MS).await? {
            let _ = std::fs::remove_file(folder.join(format!("{}.part", stale.file_name)));
            store::fail(
                &mut tx,
                stale.id,
                started,
                "Bị gián đoạn: tiến trình sao lưu đã dừng giữa chừng (không có tệp nào được giữ lại).",
            )
            .await?;
        }
        let id = store::start(&mut tx, &file_name, started, created_by).await?;
        tx.commit().await.map_err(StoreError::from)?;
        let part = folder.join(format!("{file_name}.part"));
        let outcome = match self.write_backup(&part, &passphrase).await {
            Ok(written) => destination.keep(&part, &file_name).await.map(|()| written),
            Err(e) => Err(e),
        };
        let finished = self.now_ms();
        let mut work = self.begin_system_work().await?;
        match outcome {
            Ok((manifest, size, sha)) => {
                let done = store::Finished {
                    size_bytes: size as i64,
                    sha256: sha,
                    people: manifest.people,
                    versions: manifest.versions,
                    audit_entries: manifest.audit_entries,
                    attachments: manifest.attachments as i64,
                };
                store::succeed(&mut work, id, finished, &done).await?;
                work.audit(
                    AuditAction::BackupCreate,
                    About::new("backup", id),
                    serde_json::json!({
                        "file": file_name, "bytes": size, "people": manifest.people,
                        "versions": manifest.versions, "attachments": manifest.attachments,
                        "by": created_by,
                    }),
                )
                .await?;
                tracing::info!(backup = id, bytes = size, "backup taken");
            }
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                let why = match &e {
                    AppError::Internal(d) => d.clone(),
                    other => other.to_string(),
                };
                tracing::error!(backup = id, error = %why, "backup failed");
                store::fail(&mut work, id, finished, &format!("Sao lưu thất bại: {why}")).await?;
            }
        }
        work.commit().await?;
        let mut conn = self.store.reader().await?;
        let row = store::get(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound("Không tìm thấy bản sao lưu."))?;
        Ok(row.into())
    }

    async fn write_backup(
        &self,
        part: &Path,
        passphrase: &Secret,
    ) -> AppResult<(Manifest, u64, String)> {
        let keys = key_entries(&self.config)?;
        let (tx, rx) = mpsc::channel::<Entry>(QUEUE);
        let writer = {
            let part = part.to_path_buf();
            let passphrase = passphrase.clone();
            tokio::task::spawn_blocking(move || write_archive(&part, &passphrase, rx))
        };
        let produced = self.produce(&tx, keys).await;
        drop(tx);
        let written = writer
            .await
            .map_err(|e| io_internal("backup writer", e))?
            .map_err(|e| {
                AppError::Internal(format!(
                    "không ghi được tệp sao lưu vào {}: {}",
                    self.config.backup_path().display(),
                    io_vi(&e)
                ))
            });
        // The writer's failure explains a producer stopped by the closed channel.
        let (size, sha) = written?;
        Ok((produced?, size, sha))
    }

    async fn produce(&self, out: &mpsc::Sender<Entry>, keys: Vec<Entry>) -> AppResult<Manifest> {
        let send = |entry: Entry| async move {
            out.send(entry)
                .await
                .map_err(|_| AppError::Internal("the backup writer stopped".into()))
        };
        let mut snapshot = dump::snapshot(&self.store).await?;
        let migrations = hoso_store::migrate::applied(&mut snapshot).await?;
        let header = Header {
            format: FORMAT,
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            backend: match self.store.backend() {
                hoso_store::Backend::Sqlite => "sqlite",
                hoso_store::Backend::Postgres => "postgres",
            }
            .to_string(),
            migrations,
            created_at: self.now_ms(),
        };
        send((
            HEADER_ENTRY.to_string(),
            serde_json::to_vec(&header).map_err(|e| io_internal("header", e))?,
        ))
        .await?;
        let key_names = keys.iter().map(|(n, _)| n.clone()).collect();
        for k in keys {
            send(k).await?;
        }
        let tables = dump::tables(&mut snapshot).await?;
        let mut sums = Vec::new();
        for table in &tables {
            let columns: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
            let column_line = format!(
                "{}\n",
                serde_json::to_string(&columns).map_err(|e| io_internal("columns", e))?
            );
            let mut hash = TableHash::default();
            let mut chunk = column_line.clone().into_bytes();
            let mut chunk_no = 0u32;
            let mut rows = dump::rows(&mut snapshot, table);
            use futures_util::TryStreamExt;
            while let Some(values) = rows.try_next().await? {
                let line = row_line(&values);
                hash.add(&line);
                chunk.extend_from_slice(line.as_bytes());
                if chunk.len() >= CHUNK_BYTES {
                    chunk_no += 1;
                    let full = std::mem::replace(&mut chunk, column_line.clone().into_bytes());
                    send((format!("db/{}/{chunk_no:06}.jsonl", table.name), full)).await?;
                }
            }
            drop(rows);
            if chunk.len() > column_line.len() {
                chunk_no += 1;
                send((format!("db/{}/{chunk_no:06}.jsonl", table.name), chunk)).await?;
            }
            let (rows, sha256) = hash.finish();
            sums.push(TableSum {
                name: table.name.clone(),
                columns,
                rows,
                sha256,
            });
        }
        let (versions, version_heads) = dump::version_heads(&mut snapshot).await?;
        let people = sums
            .iter()
            .find(|t| t.name == "persons")
            .map_or(0, |t| t.rows as i64);
        let audit_entries = sums
            .iter()
            .find(|t| t.name == "audit_log")
            .map_or(0, |t| t.rows as i64);
        let audit_head = hoso_store::audit::head(&mut snapshot).await?;
        snapshot.rollback().await.map_err(StoreError::from)?;
        let mut attachments = 0u64;
        let mut attachment_bytes = 0u64;
        for sha in self.attachments.list().await? {
            let bytes = self.attachments.get(&sha).await?;
            attachments += 1;
            attachment_bytes += bytes.len() as u64;
            send((format!("attachments/{sha}"), bytes)).await?;
        }
        let manifest = Manifest {
            header,
            tables: sums,
            people,
            versions,
            version_heads,
            audit_entries,
            audit_head,
            attachments,
            attachment_bytes,
            keys: key_names,
        };
        send((
            MANIFEST_ENTRY.to_string(),
            serde_json::to_vec_pretty(&manifest).map_err(|e| io_internal("manifest", e))?,
        ))
        .await?;
        Ok(manifest)
    }

    /// Deletes the archives the retention policy lets go (their rows stay, marked pruned).
    /// Returns how many.
    pub async fn prune_backups(&self) -> AppResult<usize> {
        let mut conn = self.store.reader().await?;
        let kept = store::kept(&mut conn).await?;
        drop(conn);
        let taken: Vec<hoso_domain::backup_retention::Taken> = kept
            .iter()
            .filter_map(|b| {
                crate::alert_sources::date_of_ms(b.started_at)
                    .map(|day| hoso_domain::backup_retention::Taken { id: b.id, day })
            })
            .collect();
        let keep = hoso_domain::backup_retention::to_keep(
            &taken,
            self.today(),
            self.config.backup_keep_daily,
            self.config.backup_keep_monthly,
        );
        let destination = Destination::of(&self.config)?;
        let mut pruned = 0;
        for b in kept.iter().filter(|b| !keep.contains(&b.id)) {
            destination.delete(&b.file_name).await?;
            let mut work = self.begin_system_work().await?;
            store::mark_pruned(&mut work, b.id, self.now_ms()).await?;
            work.audit(
                AuditAction::BackupPrune,
                About::new("backup", b.id),
                serde_json::json!({"file": b.file_name}),
            )
            .await?;
            work.commit().await?;
            pruned += 1;
        }
        Ok(pruned)
    }

    /// Restores a backup into a scratch SQLite database in a temporary folder and checks it
    /// ([`App::verify_restored`]); records the result on the backup's row and in the audit.
    pub async fn verify_backup(&self, id: i64) -> AppResult<Verification> {
        let mut conn = self.store.reader().await?;
        let row = store::get(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound("Không tìm thấy bản sao lưu."))?;
        drop(conn);
        if row.status != "succeeded" {
            return Err(AppError::BadRequest(
                "Chỉ kiểm tra được bản sao lưu thành công còn lưu giữ.".into(),
            ));
        }
        let destination = Destination::of(&self.config)?;
        let verification = match destination
            .fetch(&row.file_name, &self.config.backup_path())
            .await
        {
            // The downloaded copy (if any) goes once it is checked.
            Ok((path, _download)) => verify_in_scratch(&self.config, &path).await,
            Err(e) => Err(e),
        };
        let verification = match verification {
            Ok(v) => v,
            Err(AppError::BadRequest(why)) => Verification {
                passed: false,
                note: why,
            },
            Err(e) => return Err(e),
        };
        let mut work = self.begin_system_work().await?;
        store::set_verified(
            &mut work,
            id,
            self.now_ms(),
            verification.passed,
            &verification.note,
        )
        .await?;
        work.audit(
            AuditAction::BackupVerify,
            About::new("backup", id),
            serde_json::json!({"passed": verification.passed}),
        )
        .await?;
        work.commit().await?;
        Ok(verification)
    }

    /// Checks a database just restored from an archive with `manifest`: every table's rows
    /// hash as in the archive (same structure) or are as many (upgraded), the version chains
    /// and the audit chain verify, and the projections rebuild to the same rows. With a
    /// `decision`, the restore is then audited with it.
    pub async fn verify_restored(
        &self,
        manifest: &Manifest,
        decision: Option<&str>,
    ) -> AppResult<Verification> {
        let verification = self.compare_with(manifest).await?;
        if let Some(decision) = decision {
            let mut work = self.begin_system_work().await?;
            work.audit(
                AuditAction::BackupRestore,
                About::kind("backup"),
                serde_json::json!({
                    "decision": decision,
                    "taken_at": manifest.header.created_at,
                    "source": manifest.header.backend,
                    "people": manifest.people,
                    "passed": verification.passed,
                }),
            )
            .await?;
            work.commit().await?;
        }
        Ok(verification)
    }

    async fn compare_with(&self, manifest: &Manifest) -> AppResult<Verification> {
        let fail = |note: String| {
            Ok(Verification {
                passed: false,
                note,
            })
        };
        let mut conn = self.store.reader().await?;
        let migrations = hoso_store::migrate::applied(&mut conn).await?;
        let same_structure = migrations == manifest.header.migrations;
        let tables = dump::tables(&mut conn).await?;
        drop(conn);
        if let Some(bad) = self
            .table_mismatch(manifest, &tables, same_structure, &[])
            .await?
        {
            return fail(bad);
        }
        let (entries, broken) = self.verify_audit_chain().await?;
        if let Some(b) = broken {
            return fail(format!("Chuỗi nhật ký bị đứt ở mục {}.", b.entry_id));
        }
        if entries < manifest.audit_entries {
            return fail(format!(
                "Nhật ký có {entries} mục, bản sao lưu có {}.",
                manifest.audit_entries
            ));
        }
        let mut conn = self.store.reader().await?;
        let (versions, heads) = dump::version_heads(&mut conn).await?;
        drop(conn);
        if versions != manifest.versions || heads != manifest.version_heads {
            return fail(format!(
                "Phiên bản hồ sơ: {versions} so với {} trong bản sao lưu, hoặc mã băm đầu chuỗi khác.",
                manifest.versions
            ));
        }
        let (chains, broken) = self.verify_every_version_chain().await?;
        if let Some(why) = broken {
            return fail(why);
        }
        self.rebuild_projections().await?;
        if same_structure
            && let Some(bad) = self
                .table_mismatch(manifest, &tables, true, &["persons", "record_history"])
                .await?
        {
            return fail(format!("Dựng lại bảng tra cứu cho kết quả khác: {bad}"));
        }
        Ok(Verification {
            passed: true,
            note: format!(
                "Đạt: {} bảng khớp bảng kê, {} hồ sơ với {chains} chuỗi phiên bản ({versions} phiên bản) và {entries} mục nhật ký kiểm tra được; bảng tra cứu dựng lại giống hệt.",
                manifest.tables.len(),
                manifest.people
            ),
        })
    }

    /// The first table that does not match the manifest (`only`: just these), if any.
    async fn table_mismatch(
        &self,
        manifest: &Manifest,
        tables: &[Table],
        by_hash: bool,
        only: &[&str],
    ) -> AppResult<Option<String>> {
        for sum in manifest
            .tables
            .iter()
            .filter(|t| only.is_empty() || only.contains(&t.name.as_str()))
        {
            let Some(table) = tables.iter().find(|t| t.name == sum.name) else {
                return Ok(Some(format!("thiếu bảng {}", sum.name)));
            };
            // In the archive's column order.
            let mut ordered = table.clone();
            if by_hash {
                ordered.columns = sum
                    .columns
                    .iter()
                    .filter_map(|c| table.columns.iter().find(|tc| &tc.name == c).cloned())
                    .collect();
            }
            let mut conn = self.store.reader().await?;
            let mut hash = TableHash::default();
            {
                use futures_util::TryStreamExt;
                let mut rows = dump::rows(&mut conn, &ordered);
                while let Some(values) = rows.try_next().await? {
                    hash.add(&row_line(&values));
                }
            }
            let (rows, sha) = hash.finish();
            let rewritten = REWRITTEN_AT_START.contains(&sum.name.as_str());
            if rows != sum.rows {
                return Ok(Some(format!(
                    "bảng {}: {rows} dòng, bản sao lưu có {}",
                    sum.name, sum.rows
                )));
            }
            if by_hash && !rewritten && sha != sum.sha256 {
                return Ok(Some(format!(
                    "bảng {}: nội dung khác bản sao lưu",
                    sum.name
                )));
            }
        }
        Ok(None)
    }
}

/// Restores `archive` into a fresh SQLite database, key file and attachment folder in a
/// temporary directory, starts the application on it and checks it. The directory is removed
/// afterwards.
pub async fn verify_in_scratch(config: &Config, archive: &Path) -> AppResult<Verification> {
    let scratch = tempfile::tempdir().map_err(|e| io_internal("scratch folder", e))?;
    let mut scratch_config = config.clone();
    scratch_config.database_url = format!("sqlite://{}", scratch.path().join("hoso.db").display());
    scratch_config.key_file = scratch.path().join("hoso.key");
    scratch_config.secret_key_hex = None;
    scratch_config.attachments_dir = Some(scratch.path().join("attachments"));
    scratch_config.attachments_url = None;
    scratch_config.backup_url = None;
    scratch_config.smtp = None;
    let manifest = restore(&scratch_config, archive, "Kiểm tra tự động bản sao lưu").await?;
    let app = App::start(scratch_config).await?;
    let verification = app.verify_restored(&manifest, None).await;
    app.store.close().await;
    verification
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_entries_go_beside_the_key_file_and_nowhere_else() {
        let key = Path::new("/srv/hoso/data/hoso.key");
        assert_eq!(key_path(key, "keys/current").unwrap(), key);
        assert_eq!(
            key_path(key, "keys/old-ab12").unwrap(),
            Path::new("/srv/hoso/data/hoso.key.old-ab12")
        );
        assert_eq!(
            key_path(key, "keys/next").unwrap(),
            Path::new("/srv/hoso/data/hoso.key.next")
        );
        assert!(key_path(key, "keys/old-../../etc/passwd").is_none());
        assert!(key_path(key, "keys/../x").is_none());
        assert!(key_path(key, "db/x").is_none());
    }

    #[test]
    fn a_row_line_is_its_values_as_a_json_array() {
        let line = row_line(&[Value::from(7), Value::Null, Value::from("Nguyễn \"A\"\n")]);
        assert_eq!(line, "[7,null,\"Nguyễn \\\"A\\\"\\n\"]\n");
        assert_eq!(line.matches('\n').count(), 1, "one line per row");
    }

    #[test]
    fn an_archive_of_a_newer_version_is_refused_by_its_header() {
        let newer = Header {
            format: FORMAT + 1,
            app_version: "9.0.0".into(),
            backend: "sqlite".into(),
            migrations: vec![1],
            created_at: 0,
        };
        let e = parse_header(&serde_json::to_vec(&newer).unwrap()).unwrap_err();
        assert!(matches!(e, AppError::BadRequest(m) if m.contains("mới hơn")));
        let later_schema = Header {
            format: FORMAT,
            migrations: vec![1, hoso_store::migrate::latest() + 1],
            ..newer
        };
        assert!(parse_header(&serde_json::to_vec(&later_schema).unwrap()).is_err());
    }
}
