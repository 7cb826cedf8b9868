//! `hoso`: the one binary. Starts the web app, migrates the database, seeds demo data.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use hoso_app::{App, Config, Shutdown};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "hoso",
    version,
    about = "Hoso — hồ sơ điện tử cán bộ, công chức, viên chức (electronic personnel records)",
    long_about = "Hoso — phần mềm quản lý hồ sơ điện tử cán bộ, công chức, viên chức của tỉnh.\n\
                  Electronic personnel records of a Vietnamese province's public servants.\n\n\
                  Cơ sở dữ liệu / database: HOSO_DATABASE_URL (mặc định / default sqlite://data/hoso.db, hoặc / or postgres://…)."
)]
struct Cli {
    /// Tệp cấu hình TOML (mặc định: HOSO_CONFIG; biến môi trường HOSO_* được ưu tiên hơn tệp) /
    /// TOML configuration file (default: HOSO_CONFIG; HOSO_* variables win over the file).
    /// Xem / see hoso.example.toml.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Chạy ứng dụng web / start the web application.
    Serve {
        /// Tạo tỉnh mẫu trên cơ sở dữ liệu trống / create the demo province on an empty database.
        #[arg(long)]
        demo: bool,
        /// Địa chỉ lắng nghe / address to listen on (mặc định / default: HOSO_BIND, `bind`, 127.0.0.1:8080).
        #[arg(long)]
        bind: Option<SocketAddr>,
        /// Số người của tỉnh mẫu / people in the demo province.
        #[arg(long, default_value_t = 3000)]
        demo_people: usize,
    },
    /// Áp dụng các bản cập nhật cấu trúc cơ sở dữ liệu / apply database migrations.
    Migrate,
    /// Dựng lại bảng tra cứu từ các phiên bản hồ sơ / rebuild the search projection from the record versions.
    RebuildProjections,
    /// Đổi khóa mã hóa dữ liệu (dừng máy chủ trước) / rotate the encryption key (stop the server first).
    RotateKey,
    /// Tính lại cảnh báo cho một ngày / compute the alerts as of a date (default today).
    ComputeAlerts {
        /// Ngày (YYYY-MM-DD) / date.
        #[arg(long)]
        date: Option<String>,
    },
    /// Nhật ký truy cập / the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Kiểm tra lại chữ ký số các lô phê duyệt đã lưu / re-check the stored approval signatures.
    VerifyApproval {
        /// Chỉ lô này / only this batch.
        #[arg(long)]
        batch: Option<i64>,
    },
    /// Kiểm tra một gói hồ sơ đã ký (zip) / verify a signed record package (zip).
    VerifyPackage {
        /// Tệp gói / the package file.
        file: std::path::PathBuf,
    },
    /// Nhập hồ sơ từ tệp Excel/ODS/CSV vào một đơn vị / import records from a spreadsheet into a unit.
    Import {
        /// Tệp XLSX, XLS, ODS hoặc CSV / the spreadsheet file.
        file: std::path::PathBuf,
        /// Mã đơn vị nhận hồ sơ / code of the unit the records go to.
        #[arg(long)]
        unit: String,
        /// Chỉ kiểm tra, không ghi gì / check only, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// In một đối tượng JSON / print one JSON object.
        #[arg(long)]
        json: bool,
        /// Trang cần đọc (mặc định: trang hiện đầu tiên có bảng) / the sheet to read.
        #[arg(long)]
        sheet: Option<String>,
        /// Nhập lần đầu: hồ sơ tạo mới có hiệu lực ngay, không chờ ký duyệt / initial load: the
        /// records created are official at once (changes to records held still wait).
        #[arg(long)]
        initial_load: bool,
        /// Quyết định cho phép nhập lần đầu (số, ngày, người ký) / the decision it is made on.
        #[arg(long, requires = "initial_load")]
        decision: Option<String>,
        /// Cách ghép cột đã lưu trên trang nhập dữ liệu, theo tên / a column mapping saved on
        /// the import page, by name.
        #[arg(long)]
        mapping: Option<String>,
    },
    /// Sao lưu cơ sở dữ liệu, tệp đính kèm và khóa vào thư mục sao lưu (mã hóa bằng HOSO_BACKUP_PASSPHRASE) / back up the database, attachments and keys.
    Backup {
        /// Khôi phục thử vào cơ sở dữ liệu tạm và kiểm tra / then restore it into a scratch database and check it.
        #[arg(long)]
        verify: bool,
    },
    /// Khôi phục từ bản sao lưu vào cơ sở dữ liệu trống đã cấu hình (SQLite hoặc PostgreSQL) / restore a backup into the configured, empty database.
    Restore {
        /// Tệp sao lưu (.tar.gz.age) / the backup file.
        file: std::path::PathBuf,
        /// Văn bản cho phép sử dụng bản sao lưu (số, ngày, người ký) / the written authorisation.
        #[arg(long)]
        decision: String,
    },
    /// Kiểm tra một tệp sao lưu bằng cách khôi phục thử vào cơ sở dữ liệu tạm / check a backup file by restoring it into a scratch database.
    VerifyBackup {
        /// Tệp sao lưu / the backup file.
        file: std::path::PathBuf,
    },
    /// Tạo dữ liệu mẫu N người trên cơ sở dữ liệu trống (đo hiệu năng) / fill an empty database with N synthetic people.
    SeedDemo {
        /// Số người / number of people.
        #[arg(long)]
        people: usize,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Kiểm tra chuỗi băm của nhật ký / verify the hash chain of the audit trail.
    Verify,
}

/// The report of `hoso import --json`: `{"rows", "created", "updated", "unchanged", "errors":
/// [{"sheet", "row", "column", "value", "message"}]}`, `row` the Excel row number on `sheet`.
fn import_json(r: &hoso_app::imports::ImportReport) -> serde_json::Value {
    serde_json::json!({
        "rows": r.rows,
        "created": r.created,
        "updated": r.updated,
        "unchanged": r.unchanged,
        "errors": r.errors.iter().map(|e| serde_json::json!({
            "sheet": e.sheet,
            "row": e.row,
            "column": e.column,
            "value": e.value,
            "message": e.message,
        })).collect::<Vec<_>>(),
    })
}

fn print_import(r: &hoso_app::imports::ImportReport) {
    let verb = if r.dry_run {
        "Chạy thử (không ghi gì) / dry run (nothing written)"
    } else {
        "Đã nhập / imported"
    };
    println!(
        "{verb}: trang / sheet \"{}\", {} dòng / rows: {} tạo mới / created, {} cập nhật / updated, {} không đổi / unchanged, {} bị từ chối / refused, {} hồ sơ còn thiếu thông tin / incomplete.",
        r.sheet, r.rows, r.created, r.updated, r.unchanged, r.refused, r.incomplete
    );
    match &r.official_basis {
        Some(basis) => println!(
            "{} hồ sơ tạo mới có hiệu lực ngay / official at once ({basis}); {} chờ ký duyệt / awaiting the signature.",
            r.official, r.awaiting_approval
        ),
        None => println!(
            "{} hồ sơ chờ thủ trưởng ký duyệt / awaiting the head's signature.",
            r.awaiting_approval
        ),
    }
    if r.accounts > 0 {
        println!(
            "{} tài khoản cá nhân đã tạo / personal accounts made (mã kích hoạt do cán bộ tổ chức cấp / activation codes are handed out by HR).",
            r.accounts
        );
    }
    if let Some(e) = &r.encoding {
        println!("Đã chuyển bảng mã / converted from {e}.");
    }
    for c in r.columns.iter().filter(|c| c.target.is_none()) {
        println!(
            "Cột không nhận ra, bỏ qua / unmatched column, ignored: {} \"{}\"",
            c.letter, c.header
        );
    }
    for s in &r.section_sheets {
        println!(
            "Trang «{}» đọc thành / read as: {}",
            s.sheet, s.section_label
        );
    }
    for i in &r.sheet_issues {
        println!("Trang «{}» không đọc / not read: {}", i.sheet, i.message);
    }
    for e in &r.errors {
        println!(
            "Trang «{}» dòng {} cột {} ({}) «{}»: {}",
            e.sheet, e.row, e.letter, e.column, e.value, e.message
        );
    }
}

fn demo_password(config: &Config) -> (String, bool) {
    match &config.demo_password {
        Some(p) => (p.expose().to_string(), false),
        None => {
            use rand::Rng;
            let suffix: u64 = rand::rngs::OsRng.r#gen();
            (format!("Hoso-{:012x}", suffix & 0xffff_ffff_ffff), true)
        }
    }
}

/// The job worker: every few seconds queues the daily jobs (one read when they already are)
/// and runs due jobs until none is claimable; the database decides which node runs each.
/// Stops between jobs once shutdown is requested; `main` then gives back what it still holds.
fn spawn_job_worker(app: App, node: String, shutdown: &Shutdown) {
    let stop = shutdown.clone();
    shutdown.spawn(async move {
        loop {
            if let Err(e) = app.enqueue_daily_jobs().await {
                tracing::error!(error = %e, "daily jobs not queued");
            }
            while !stop.is_requested() {
                match app.run_next_job(&node).await {
                    Ok(Some(job)) => tracing::info!(
                        job = job.id,
                        kind = %job.kind,
                        status = %job.status,
                        "job attempt ended"
                    ),
                    Ok(None) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "job runner error");
                        break;
                    }
                }
            }
            if !stop.sleep(std::time::Duration::from_secs(5)).await {
                break;
            }
        }
    });
}

async fn seed(app: &App, people: usize, password: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    let report = app
        .seed_demo(people, password, &|done, total| {
            if done == total || done % 20_000 == 0 {
                let secs = started.elapsed().as_secs_f64().max(1e-9);
                eprintln!(
                    "  {done}/{total} người ({:.0} người/giây)",
                    done as f64 / secs
                );
            }
        })
        .await?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "Đã tạo / created: {} đơn vị, {} người, {} tài khoản trong {:.1} giây ({:.0} người/giây).",
        report.units,
        report.people,
        report.accounts,
        secs,
        report.people as f64 / secs.max(1e-9)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Read before the configuration, so that its own errors are logged in the chosen format.
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_env("HOSO_LOG")
            .unwrap_or_else(|_| "info,sqlx=warn".into())
    };
    match std::env::var("HOSO_LOG_FORMAT").as_deref() {
        // One JSON object a line, with the request's span (its id, method, route) on each.
        Ok("json") => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init(),
        Ok("text") | Err(_) => tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init(),
        Ok(other) => {
            bail!("HOSO_LOG_FORMAT «{other}» không hợp lệ: json hoặc text / must be json or text")
        }
    }
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref())
        .context("cấu hình không hợp lệ / invalid configuration")?;
    match cli.command {
        Command::Migrate => {
            App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            eprintln!("Cơ sở dữ liệu đã được cập nhật / database is up to date.");
        }
        Command::RebuildProjections => {
            let app = App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            let n = app.rebuild_projections().await?;
            eprintln!("Đã dựng lại / rebuilt {n} hồ sơ / records.");
        }
        Command::RotateKey => {
            let app = App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            let r = app.rotate_key().await?;
            eprintln!(
                "Đã đổi khóa / key rotated: {} → {} ({} bản mã hóa, {} mã định danh, {} khóa TOTP). Khóa cũ giữ lại bên cạnh tệp khóa / old key kept beside the key file.",
                r.old_key_id,
                r.new_key_id,
                r.secrets_resealed,
                r.identifiers_rehashed,
                r.totp_secrets_resealed
            );
        }
        Command::ComputeAlerts { date } => {
            let app = App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            let day = match date {
                Some(d) => time::Date::parse(
                    &d,
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .with_context(|| format!("ngày không hợp lệ / invalid date: {d}"))?,
                None => app.today(),
            };
            let n = app.compute_all_alerts(day).await?;
            eprintln!("Đã tính {n} cảnh báo cho ngày {day} / computed {n} alerts as of {day}.");
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let app = App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            match app.verify_audit_chain().await? {
                (n, None) => eprintln!("Nhật ký toàn vẹn / audit trail intact: {n} mục / entries."),
                (n, Some(b)) => bail!(
                    "Nhật ký bị sửa đổi tại mục {} / audit trail broken at entry {} ({}); {n} mục trước đó hợp lệ / entries before it check out.",
                    b.entry_id,
                    b.entry_id,
                    b.reason
                ),
            }
        }
        Command::VerifyApproval { batch } => {
            let app = App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            let checks = app.verify_approvals(batch).await?;
            let mut bad = 0;
            for c in &checks {
                match &c.problem {
                    None => eprintln!(
                        "Lô / batch {}: hợp lệ / valid ({} phiên bản / versions).",
                        c.batch_id, c.items
                    ),
                    Some(p) => {
                        bad += 1;
                        eprintln!("Lô / batch {}: KHÔNG HỢP LỆ / INVALID — {p}", c.batch_id);
                    }
                }
            }
            if bad > 0 {
                bail!("{bad} lô phê duyệt không hợp lệ / approval batches failed verification.");
            }
            eprintln!(
                "{} lô phê duyệt đã kiểm tra / batches checked.",
                checks.len()
            );
        }
        Command::Backup { verify } => {
            let app = App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            let started = Instant::now();
            let b = app.take_backup(None).await?;
            if b.status != "succeeded" {
                bail!(
                    "{} / backup failed",
                    b.error.unwrap_or_else(|| "Sao lưu thất bại".into())
                );
            }
            eprintln!(
                "Đã sao lưu / backed up: {} ({} byte, {} hồ sơ / records, {} phiên bản / versions, {} mục nhật ký / audit entries, {} tệp đính kèm / attachments) trong {:.1} giây.",
                app.config().backup_path().join(&b.file_name).display(),
                b.size_bytes.unwrap_or(0),
                b.people.unwrap_or(0),
                b.versions.unwrap_or(0),
                b.audit_entries.unwrap_or(0),
                b.attachments.unwrap_or(0),
                started.elapsed().as_secs_f64()
            );
            let pruned = app.prune_backups().await?;
            if pruned > 0 {
                eprintln!("Đã xóa {pruned} bản sao lưu hết hạn lưu giữ / old backups pruned.");
            }
            if verify {
                let started = Instant::now();
                let v = app.verify_backup(b.id).await?;
                if !v.passed {
                    bail!(
                        "Kiểm tra bản sao lưu KHÔNG ĐẠT / backup verification FAILED: {}",
                        v.note
                    );
                }
                eprintln!(
                    "Đã khôi phục thử vào cơ sở dữ liệu tạm và kiểm tra / restored into a scratch database and checked ({:.1} giây): {}",
                    started.elapsed().as_secs_f64(),
                    v.note
                );
            }
        }
        Command::Restore { file, decision } => {
            let started = Instant::now();
            let manifest = hoso_app::backup::restore(&config, &file, &decision)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let app = App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            let v = app.verify_restored(&manifest, Some(&decision)).await?;
            if !v.passed {
                bail!(
                    "Đã khôi phục nhưng kiểm tra KHÔNG ĐẠT / restored but verification FAILED: {}",
                    v.note
                );
            }
            eprintln!(
                "Đã khôi phục / restored {} hồ sơ / records (bản sao lưu lúc {} từ {}) trong {:.1} giây. {}",
                manifest.people,
                manifest.header.created_at,
                manifest.header.backend,
                started.elapsed().as_secs_f64(),
                v.note
            );
        }
        Command::VerifyBackup { file } => {
            let v = hoso_app::backup::verify_in_scratch(&config, &file)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if !v.passed {
                bail!(
                    "Kiểm tra bản sao lưu KHÔNG ĐẠT / backup verification FAILED: {}",
                    v.note
                );
            }
            eprintln!(
                "Đã khôi phục thử vào cơ sở dữ liệu tạm và kiểm tra / restored into a scratch database and checked: {}",
                v.note
            );
        }
        Command::VerifyPackage { file } => {
            let bytes = std::fs::read(&file)
                .with_context(|| format!("không đọc được / cannot read {}", file.display()))?;
            let app = App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            let r = app
                .verify_package(&bytes)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!(
                "Gói hợp lệ / package valid: hồ sơ / record {} phiên bản / version {}, lô / batch {}, người ký / signer: {}, {} tệp đính kèm / attachments.",
                r.person_id, r.version, r.batch_id, r.signer_subject, r.attachments
            );
        }
        Command::Import {
            file,
            unit,
            dry_run,
            json,
            sheet,
            initial_load,
            decision,
            mapping,
        } => {
            let bytes = std::fs::read(&file)
                .with_context(|| format!("không đọc được / cannot read {}", file.display()))?;
            let app = App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            let mapping = match mapping {
                Some(name) => {
                    let mut conn = app.store().reader().await?;
                    let found = hoso_store::import_mappings::by_name(&mut conn, &name).await?;
                    Some(
                        found
                            .with_context(|| {
                                format!("không có cách ghép cột \"{name}\" / no saved mapping of that name")
                            })?
                            .id,
                    )
                }
                None => None,
            };
            let upload = hoso_app::imports::ImportFile {
                file_name: file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                bytes,
                options: hoso_app::imports::ImportOptions {
                    sheet,
                    initial_load,
                    decision,
                    mapping,
                    ..Default::default()
                },
            };
            // A file that cannot be read fails the command; row errors do not (they are the
            // report).
            let report = app
                .import_as_system(&unit, &upload, dry_run)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if json {
                println!("{}", import_json(&report));
            } else {
                print_import(&report);
            }
        }
        Command::SeedDemo { people } => {
            let app = App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            let (password, generated) = demo_password(app.config());
            seed(&app, people, &password).await?;
            if generated {
                eprintln!("Mật khẩu các tài khoản mẫu / demo password: {password}");
            }
        }
        Command::Serve {
            demo,
            bind,
            demo_people,
        } => {
            let bind = bind.unwrap_or(config.bind);
            if demo && !bind.ip().is_loopback() {
                bail!(
                    "Chế độ mẫu chỉ chạy trên địa chỉ nội bộ (127.0.0.1) / demo mode refuses to bind to a non-loopback address."
                );
            }
            let mut config = config;
            let (password, generated) = demo_password(&config);
            let mut demo_p12 = None;
            if demo {
                // The demo heads sign with a PKCS#12 made for the demo; its root is trusted.
                let (root, p12) = hoso_app::demo::ensure_demo_pki(
                    &config.data_dir().join("demo-pki"),
                    &password,
                    hoso_app::Clock::from_fixed(config.fixed_today),
                )?;
                if config.trusted_roots_file.is_none() {
                    config.trusted_roots_file = Some(root);
                }
                demo_p12 = Some(p12);
                if config.deadline_rules_file.is_none() {
                    let rules = hoso_app::demo::ensure_demo_deadline_rules(&config.data_dir())?;
                    eprintln!(
                        "Quy tắc thời hạn riêng của tỉnh mẫu / demo deadline rules (HOSO_DEADLINE_RULES_FILE): {}",
                        rules.display()
                    );
                    config.deadline_rules_file = Some(rules);
                }
            }
            let app = App::start(config)
                .await
                .context("không mở được cơ sở dữ liệu / cannot open the database")?;
            if demo {
                if app.is_empty().await? {
                    eprintln!("Đang tạo tỉnh mẫu / creating the demo province…");
                    seed(&app, demo_people, &password).await?;
                    if generated {
                        eprintln!("Mật khẩu các tài khoản mẫu / demo password: {password}");
                    }
                } else if generated {
                    eprintln!(
                        "Cơ sở dữ liệu đã có dữ liệu: dùng mật khẩu mẫu đã in lần trước / database already seeded: use the demo password printed then."
                    );
                }
                eprintln!(
                    "Tài khoản / accounts: admin (quản trị hệ thống), lanhdao (lãnh đạo), qt.<mã đơn vị> (quản trị đơn vị), pd.<mã đơn vị> (thủ trưởng, phê duyệt), <số định danh> (cá nhân)."
                );
                if let Some(p12) = demo_p12 {
                    eprintln!(
                        "Khóa ký số mẫu của thủ trưởng / demo signing key (PKCS#12, mật khẩu = mật khẩu mẫu / password = demo password): {}",
                        p12.display()
                    );
                }
            }
            eprintln!(
                "Hoso đang chạy tại / listening on http://{bind}/  (API: http://{bind}/api/docs/)"
            );
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("không lắng nghe được / cannot listen on {bind}"))?;
            let shutdown = Shutdown::new();
            shutdown.on_signals();
            let node = format!("{}-{}", std::process::id(), hoso_store::now_ms());
            spawn_job_worker(app.clone(), node.clone(), &shutdown);
            app.spawn_reference_reload(&shutdown);
            hoso_web::serve_until(app.clone(), listener, shutdown.clone()).await?;
            eprintln!(
                "Đang dừng / stopping: các yêu cầu đang xử lý đã xong / requests in flight finished."
            );
            let grace = std::time::Duration::from_secs(app.config().shutdown_grace_seconds);
            if !shutdown.wait_for_tasks(grace).await {
                eprintln!(
                    "Việc nền chưa dừng sau {} giây: bỏ dở / background work abandoned after the grace period.",
                    grace.as_secs()
                );
            }
            // A job abandoned half-way is given back at once rather than after its lease.
            app.release_jobs(&node).await?;
            eprintln!("Đã dừng / stopped.");
        }
    }
    Ok(())
}
