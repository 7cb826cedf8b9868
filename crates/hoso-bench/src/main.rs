//! `hoso-bench`: seeds a fresh database with a synthetic province, starts the real HTTP server
//! in-process on loopback, and measures the API under concurrent load. It prints figures as it
//! goes and never asserts timings. See BENCHMARKS.md for results.
//!
//! Usage: `hoso-bench --people N [--database-url URL] [--concurrency C] [--requests R]
//! [--phase-seconds S] [--keep]`, or `hoso-bench --import-rows N [--database-url URL]` for the
//! import of a spreadsheet of N people (see `import.rs`). The reports and statutory forms,
//! each beside the same SQL run directly on the database, are in `reports.rs`.
//!
//! `--keep` leaves the SQLite database (and key file) in place and prints where, for
//! inspecting query plans afterwards; likewise the PostgreSQL schema (drop it yourself).
//! `--reuse DIR` measures such a kept SQLite database again, without seeding (`--people` is
//! then what it holds): a second build against the same 2.5 million people.

mod import;
mod reports;

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hoso_app::{App, Config};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PASSWORD: &str = "Bench-Mat-Khau-2026!";

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Res<T> = Result<T, BoxError>;

struct Args {
    people: usize,
    database_url: Option<String>,
    concurrency: usize,
    requests: usize,
    phase_seconds: u64,
    keep: bool,
    import_rows: Option<usize>,
    /// A folder a run with `--keep` left (its `hoso.db` and `hoso.key`): measured again without
    /// seeding.
    reuse: Option<std::path::PathBuf>,
}

fn parse_args() -> Res<Args> {
    let mut args = Args {
        people: 50_000,
        database_url: None,
        concurrency: 16,
        requests: 2_000,
        phase_seconds: 120,
        keep: false,
        import_rows: None,
        reuse: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--people" => args.people = value()?.parse()?,
            "--database-url" => args.database_url = Some(value()?),
            "--concurrency" => args.concurrency = value()?.parse::<usize>()?.max(1),
            "--requests" => args.requests = value()?.parse()?,
            "--phase-seconds" => args.phase_seconds = value()?.parse()?,
            "--keep" => args.keep = true,
            "--import-rows" => args.import_rows = Some(value()?.parse()?),
            "--reuse" => args.reuse = Some(value()?.into()),
            "-h" | "--help" => {
                println!(
                    "hoso-bench --people N [--database-url URL] [--concurrency C] \
                     [--requests R] [--phase-seconds S] [--keep] [--reuse DIR] | \
                     --import-rows N [--database-url URL]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(args)
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 keep-alive client (loopback only), so the benchmark needs no HTTP crate.

struct Conn {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
}

/// Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page")
        .count()
        .saturating_sub(text.matches("/Type /Pages").count())
        + text.matches("/Type/Page").count()
        - text.matches("/Type/Pages").count()
}

struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Res<Value> {
        Ok(serde_json::from_slice(&self.body)?)
    }
}

impl Conn {
    fn new(addr: SocketAddr) -> Conn {
        Conn { addr, stream: None }
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&[u8]>,
    ) -> Res<Reply> {
        if self.stream.is_none() {
            let s = TcpStream::connect(self.addr).await?;
            s.set_nodelay(true)?;
            self.stream = Some(BufReader::new(s));
        }
        let result = self.exchange(method, path, token, body).await;
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    async fn exchange(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&[u8]>,
    ) -> Res<Reply> {
        let addr = self.addr;
        let stream = self.stream.as_mut().ok_or("not connected")?;
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n");
        if let Some(t) = token {
            let _ = write!(head, "Authorization: Bearer {t}\r\n");
        }
        let body = body.unwrap_or_default();
        if method != "GET" {
            let _ = write!(
                head,
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            );
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(body);
        stream.get_mut().write_all(&out).await?;

        let mut line = String::new();
        if stream.read_line(&mut line).await? == 0 {
            return Err("connection closed".into());
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .ok_or("bad status line")?
            .parse()?;
        let mut length: Option<usize> = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Err("connection closed in headers".into());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((name, value)) = l.split_once(':') {
                let value = value.trim();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = Some(value.parse()?),
                    "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                    "connection" => close = value.eq_ignore_ascii_case("close"),
                    _ => {}
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)?;
                if size == 0 {
                    loop {
                        line.clear();
                        if stream.read_line(&mut line).await? == 0 || line.trim().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let start = body.len();
                body.resize(start + size, 0);
                stream.read_exact(&mut body[start..]).await?;
                let mut crlf = [0u8; 2];
                stream.read_exact(&mut crlf).await?;
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            stream.read_exact(&mut body).await?;
        } else {
            stream.read_to_end(&mut body).await?;
            close = true;
        }
        if close {
            self.stream = None;
        }
        Ok(Reply { status, body })
    }
}

/// How many records an account's unit-administrator grants cover (`None`: everyone), counted in
/// the database.
async fn scope_size(app: &App, username: Option<&str>) -> Result<i64, BoxError> {
    let mut conn = app.store().reader().await?;
    let (n,): (i64,) = match username {
        None => {
            sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM persons")
                .fetch_one(&mut *conn)
                .await?
        }
        Some(name) => sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM persons p JOIN org_units u ON u.id = p.unit_id \
                 WHERE EXISTS (SELECT 1 FROM role_grants g JOIN accounts a ON a.id = g.account_id \
                 JOIN org_units s ON s.id = g.unit_id WHERE a.username = $1 \
                 AND g.role = 'unit_admin' AND g.revoked_at IS NULL AND u.path LIKE s.path || '%')",
        )
        .bind(name)
        .fetch_one(&mut *conn)
        .await?,
    };
    Ok(n)
}

async fn get_json(conn: &mut Conn, path: &str, token: &str) -> Res<Value> {
    let r = conn.request("GET", path, Some(token), None).await?;
    if r.status != 200 {
        return Err(format!(
            "GET {path}: HTTP {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        )
        .into());
    }
    r.json()
}

async fn login(conn: &mut Conn, username: &str) -> Res<String> {
    let body = serde_json::json!({"username": username, "password": PASSWORD}).to_string();
    let r = conn
        .request("POST", "/api/v1/auth/login", None, Some(body.as_bytes()))
        .await?;
    if r.status != 200 {
        return Err(format!(
            "login {username}: HTTP {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        )
        .into());
    }
    Ok(r.json()?["token"]
        .as_str()
        .ok_or("login reply without token")?
        .to_string())
}

// ---------------------------------------------------------------------------------------------
// Load phases.

struct PhaseResult {
    name: String,
    done: usize,
    elapsed: Duration,
    /// Sorted latencies in milliseconds.
    latencies: Vec<f64>,
    non_ok: usize,
    errors: usize,
    samples: Vec<String>,
}

impl PhaseResult {
    fn rate(&self) -> f64 {
        self.done as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    fn pct(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let idx = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[idx.clamp(1, self.latencies.len()) - 1]
    }
    fn max(&self) -> f64 {
        self.latencies.last().copied().unwrap_or(f64::NAN)
    }
    fn print(&self) {
        println!(
            "  {}: {} req in {:.2} s = {:.0} req/s; p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, \
         max {:.2} ms; non-200: {}, transport errors: {}",
            self.name,
            self.done,
            self.elapsed.as_secs_f64(),
            self.rate(),
            self.pct(50.0),
            self.pct(95.0),
            self.pct(99.0),
            self.max(),
            self.non_ok,
            self.errors
        );
        for s in self.samples.iter().take(6) {
            println!("    ! {s}");
        }
    }
}

type PathGen = Arc<dyn Fn(&mut StdRng) -> String + Send + Sync>;

/// What a phase sends: `requests` of `method` to generated paths, with the same JSON body each.
struct Load {
    requests: usize,
    method: &'static str,
    body: Option<Arc<str>>,
    path: PathGen,
}

async fn run_phase(
    name: &str,
    addr: SocketAddr,
    token: &str,
    requests: usize,
    concurrency: usize,
    limit: Duration,
    gen_path: PathGen,
) -> PhaseResult {
    let load = Load {
        requests,
        method: "GET",
        body: None,
        path: gen_path,
    };
    run_load(name, addr, token, load, concurrency, limit).await
}

async fn run_load(
    name: &str,
    addr: SocketAddr,
    token: &str,
    load: Load,
    concurrency: usize,
    limit: Duration,
) -> PhaseResult {
    let Load {
        requests,
        method,
        body,
        path: gen_path,
    } = load;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for w in 0..concurrency {
        let next = next.clone();
        let gen_path = gen_path.clone();
        let token = token.to_string();
        let body = body.clone();
        workers.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(0x5eed ^ (w as u64) << 8);
            let mut conn = Conn::new(addr);
            let mut lat = Vec::new();
            let (mut non_ok, mut errors) = (0usize, 0usize);
            let mut samples = Vec::new();
            loop {
                if next.fetch_add(1, Ordering::Relaxed) >= requests || started.elapsed() > limit {
                    break;
                }
                let path = gen_path(&mut rng);
                let t0 = Instant::now();
                let r = conn
                    .request(
                        method,
                        &path,
                        Some(&token),
                        body.as_deref().map(str::as_bytes),
                    )
                    .await;
                let ms = t0.elapsed().as_secs_f64() * 1e3;
                match r {
                    Ok(reply) => {
                        lat.push(ms);
                        if reply.status != 200 {
                            non_ok += 1;
                            if samples.len() < 3 {
                                let body = String::from_utf8_lossy(&reply.body);
                                samples.push(format!(
                                    "{method} {path} -> {} {}",
                                    reply.status,
                                    body.chars().take(200).collect::<String>()
                                ));
                            }
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        if samples.len() < 3 {
                            samples.push(format!("{method} {path} -> error {e}"));
                        }
                    }
                }
            }
            (lat, non_ok, errors, samples)
        }));
    }
    let mut result = PhaseResult {
        name: name.to_string(),
        done: 0,
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
        non_ok: 0,
        errors: 0,
        samples: Vec::new(),
    };
    for w in workers {
        if let Ok((lat, non_ok, errors, samples)) = w.await {
            result.latencies.extend(lat);
            result.non_ok += non_ok;
            result.errors += errors;
            result.samples.extend(samples);
        }
    }
    result.elapsed = started.elapsed();
    result.done = result.latencies.len() + result.errors;
    result.latencies.sort_by(f64::total_cmp);
    result.print();
    result
}

// ---------------------------------------------------------------------------------------------

fn rss() -> (String, String) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| format!("{:.0} MB", kb / 1024.0))
            .unwrap_or_else(|| "n/a".into())
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// On PostgreSQL, `Store::size_bytes` is the size of the whole database, which other schemas
/// share; this is the benchmark schema's own tables with their indexes and TOAST.
async fn schema_size(db: &Database) -> Option<i64> {
    use sqlx::Connection;
    db.drop.as_ref()?;
    let mut conn = sqlx::AnyConnection::connect(&db.url).await.ok()?;
    let size = sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS BIGINT) \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind = 'r'",
    )
    .fetch_one(&mut conn)
    .await
    .ok();
    let _ = conn.close().await;
    size
}

fn mb(bytes: i64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

fn encode_query(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

struct Database {
    url: String,
    label: &'static str,
    /// (server URL, schema) to drop at the end, for PostgreSQL.
    drop: Option<(String, String)>,
}

async fn fresh_database(args: &Args, dir: &std::path::Path) -> Res<Database> {
    match &args.database_url {
        None => Ok(Database {
            url: format!("sqlite://{}/hoso.db", dir.display()),
            label: "SQLite",
            drop: None,
        }),
        Some(base) if base.starts_with("postgres") => {
            let schema = format!(
                "bench_{}_{}",
                std::process::id(),
                hoso_store::now_ms() % 1_000_000
            );
            let store = hoso_store::Store::connect(base).await?;
            store
                .execute_raw(&format!("CREATE SCHEMA {schema}"))
                .await?;
            store.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            Ok(Database {
                url: format!("{base}{sep}options=-c%20search_path%3D{schema}"),
                label: "PostgreSQL",
                drop: Some((base.clone(), schema)),
            })
        }
        Some(other) => Ok(Database {
            url: other.clone(),
            label: "other",
            drop: None,
        }),
    }
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("hoso-bench: {e}");
            std::process::exit(2);
        }
    };
    if let Some(dir) = &args.reuse {
        let db = Database {
            url: format!("sqlite://{}/hoso.db", dir.display()),
            label: "SQLite (reused)",
            drop: None,
        };
        if let Err(e) = run(&args, &db, dir).await {
            eprintln!("hoso-bench: {e}");
            std::process::exit(1);
        }
        std::process::exit(0);
    }
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("hoso-bench: temp dir: {e}");
            std::process::exit(1);
        }
    };
    let db = match fresh_database(&args, dir.path()).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("hoso-bench: cannot create the database: {e}");
            std::process::exit(1);
        }
    };
    let outcome = match args.import_rows {
        Some(rows) => run_import(&db, dir.path(), rows).await,
        None => run(&args, &db, dir.path()).await,
    };
    if let Some((_, schema)) = db.drop.as_ref().filter(|_| args.keep) {
        println!("kept PostgreSQL schema {schema}; drop it with DROP SCHEMA {schema} CASCADE");
    } else if let Some((base, schema)) = &db.drop {
        match hoso_store::Store::connect(base).await {
            Ok(store) => {
                if let Err(e) = store
                    .execute_raw(&format!("DROP SCHEMA {schema} CASCADE"))
                    .await
                {
                    eprintln!("hoso-bench: could not drop schema {schema}: {e}");
                } else {
                    println!("dropped schema {schema}");
                }
                store.close().await;
            }
            Err(e) => eprintln!("hoso-bench: could not drop schema {schema}: {e}"),
        }
    }
    if args.keep {
        println!("kept {}", dir.keep().display());
    } else {
        // `process::exit` below runs no destructor: remove the database (half a gigabyte at
        // 50,000 people) here, or every run leaves it behind.
        let path = dir.path().display().to_string();
        if let Err(e) = dir.close() {
            eprintln!("hoso-bench: could not remove {path}: {e}");
        }
    }
    if let Err(e) = outcome {
        eprintln!("hoso-bench: {e}");
        std::process::exit(1);
    }
    // The in-process server runs until Ctrl-C; leave without waiting for it.
    std::process::exit(0);
}

async fn run_import(db: &Database, dir: &std::path::Path, rows: usize) -> Res<()> {
    let app = App::start(Config {
        database_url: db.url.clone(),
        key_file: dir.join("hoso.key"),
        ..Config::default()
    })
    .await?;
    import::run(&app, db, rows).await
}

async fn run(args: &Args, db: &Database, dir: &std::path::Path) -> Res<()> {
    let config = Config {
        database_url: db.url.clone(),
        key_file: dir.join("hoso.key"),
        ..Config::default()
    };
    println!(
        "hoso-bench: {} people, backend {}, concurrency {}, {} requests per phase (≤ {} s)",
        args.people, db.label, args.concurrency, args.requests, args.phase_seconds
    );

    // 1. Fresh database and seeding.
    let t = Instant::now();
    let app = App::start(config.clone()).await?;
    let first_start = t.elapsed();
    println!(
        "App::start on the empty database (migrations, catalogs): {:.0} ms",
        first_start.as_secs_f64() * 1e3
    );
    let step = (args.people / 10).max(1);
    let last = AtomicUsize::new(0);
    let seed_started = Instant::now();
    let progress = |done: usize, total: usize| {
        let prev = last.load(Ordering::Relaxed);
        if done >= prev + step || (done == total && prev != total) {
            last.store(done, Ordering::Relaxed);
            let s = seed_started.elapsed().as_secs_f64();
            println!(
                "  seeded {done}/{total} in {s:.1} s ({:.0} people/s)",
                done as f64 / s.max(1e-9)
            );
        }
    };
    let (seed_rate, seeding) = if args.reuse.is_some() {
        println!("seeding: none, the database is reused");
        (
            0.0,
            "none: the database of an earlier run, reused".to_string(),
        )
    } else {
        let report = app.seed_demo(args.people, PASSWORD, &progress).await?;
        let seed_time = seed_started.elapsed();
        let seed_rate = report.people as f64 / seed_time.as_secs_f64();
        let seeding = format!(
            "{} people, {} units, {} accounts in {:.1} s",
            report.people,
            report.units,
            report.accounts,
            seed_time.as_secs_f64()
        );
        println!("seeding: {seeding} = {seed_rate:.0} people/s");
        (seed_rate, seeding)
    };
    let size_after_seed = app.store().size_bytes().await?;
    let schema_after_seed = schema_size(db).await;
    let (rss_seed, _) = rss();
    println!(
        "database size after seeding: {}; process RSS: {rss_seed}",
        mb(size_after_seed)
    );

    // 2. The real HTTP server, in-process on loopback.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server_app = app.clone();
    tokio::spawn(async move {
        if let Err(e) = hoso_web::serve_on(server_app, listener).await {
            eprintln!("server stopped: {e}");
        }
    });
    println!("server on http://{addr}");
    let mut conn = Conn::new(addr);
    let admin = login(&mut conn, "admin").await?;

    // A unit administrator: among the first few, the one with the widest scope that is not the
    // whole province. Found in the database: at 2.5 M people the accounts list opens with
    // thousands of staff accounts before any administrator.
    let mut accounts_db = app.store().reader().await?;
    let candidates: Vec<String> = sqlx::query(
        "SELECT a.username FROM accounts a JOIN role_grants g ON g.account_id = a.id \
         WHERE g.role = 'unit_admin' AND g.revoked_at IS NULL ORDER BY a.id LIMIT 6",
    )
    .fetch_all(&mut *accounts_db)
    .await?
    .iter()
    .map(|r| sqlx::Row::try_get::<String, _>(r, 0))
    .collect::<Result<_, _>>()?;
    drop(accounts_db);
    // The sizes of the scopes are counted in the database: the API counts a list only to
    // `hoso_app::records::COUNT_CAP`.
    let total = scope_size(&app, None).await?;
    let mut unit_admin: Option<(String, String, i64)> = None;
    for name in candidates.iter().take(6) {
        let token = login(&mut conn, name).await?;
        let scope = scope_size(&app, Some(name)).await?;
        let better = match &unit_admin {
            None => true,
            Some((_, _, best)) => scope < total && (scope > *best || *best >= total),
        };
        if scope > 0 && better {
            unit_admin = Some((name.clone(), token, scope));
        }
    }
    let (ua_name, ua_token, ua_scope) =
        unit_admin.ok_or("no unit administrator with staff found")?;
    println!(
        "logged in: admin (scope {total} records), unit administrator {ua_name} (scope {ua_scope} \
         records)"
    );

    // Ids and names to draw from: random list pages of 200.
    let mut rng = StdRng::seed_from_u64(42);
    let collect = async |conn: &mut Conn, token: &str, scope: i64, rng: &mut StdRng| {
        let pages = ((scope + 199) / 200).max(1);
        let mut ids = Vec::new();
        let mut names = Vec::new();
        for _ in 0..pages.min(15) {
            let p = rng.gen_range(1..=pages);
            let v = get_json(
                conn,
                &format!("/api/v1/persons?page={p}&per_page=200"),
                token,
            )
            .await?;
            for item in v["items"].as_array().into_iter().flatten() {
                if let Some(id) = item["id"].as_i64() {
                    ids.push(id);
                }
                if let Some(n) = item["full_name"].as_str() {
                    names.push(n.to_string());
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Ok::<_, BoxError>((ids, names))
    };
    let (admin_ids, names) = collect(&mut conn, &admin, total, &mut rng).await?;
    let (ua_ids, _) = collect(&mut conn, &ua_token, ua_scope, &mut rng).await?;
    let mut queries: Vec<String> = names
        .iter()
        .map(|n| {
            let folded = hoso_domain::search_key::fold(n);
            folded.split(' ').take(2).collect::<Vec<_>>().join(" ")
        })
        .filter(|q| !q.is_empty())
        .collect();
    queries.sort();
    queries.dedup();
    println!(
        "sampled {} record ids (admin), {} (unit admin), {} distinct name queries, e.g. {:?}",
        admin_ids.len(),
        ua_ids.len(),
        queries.len(),
        queries.iter().take(3).collect::<Vec<_>>()
    );
    if admin_ids.is_empty() || ua_ids.is_empty() || queries.is_empty() {
        return Err("nothing to load: no records seen through the API".into());
    }

    // 3. Load phases.
    let limit = Duration::from_secs(args.phase_seconds);
    let (r, c) = (args.requests, args.concurrency);
    println!("load phases ({r} requests each, {c} workers, keep-alive, loopback):");
    let list_pages = ((total + 49) / 50).max(1);
    let mut phases = Vec::new();
    phases.push(
        run_phase(
            "list page (per_page=50, random page)",
            addr,
            &admin,
            r,
            c,
            limit,
            Arc::new(move |rng: &mut StdRng| {
                format!(
                    "/api/v1/persons?page={}&per_page=50",
                    rng.gen_range(1..=list_pages)
                )
            }),
        )
        .await,
    );
    // The same depths by keyset paging (issue 17): the cursor of a random deep page, taken
    // from the API's own `next`, then the page after it.
    let mut cursors = Vec::new();
    for _ in 0..20 {
        let p = rng.gen_range(1..=list_pages);
        let v = get_json(
            &mut conn,
            &format!("/api/v1/persons?page={p}&per_page=50"),
            &admin,
        )
        .await?;
        if let Some(next) = v["next"].as_str() {
            cursors.push(next.to_string());
        }
    }
    if !cursors.is_empty() {
        let cursors = Arc::new(cursors);
        phases.push(
            run_phase(
                "list page after a cursor (per_page=50, random depth, keyset)",
                addr,
                &admin,
                r,
                c,
                limit,
                Arc::new(move |rng: &mut StdRng| {
                    format!(
                        "/api/v1/persons?after={}&per_page=50",
                        cursors[rng.gen_range(0..cursors.len())]
                    )
                }),
            )
            .await,
        );
    }
    let queries = Arc::new(queries);
    phases.push(
        run_phase(
            "name search (surname + middle, per_page=20)",
            addr,
            &admin,
            r,
            c,
            limit,
            Arc::new(move |rng: &mut StdRng| {
                let q = &queries[rng.gen_range(0..queries.len())];
                format!("/api/v1/persons?q={}&per_page=20", encode_query(q))
            }),
        )
        .await,
    );
    let admin_ids = Arc::new(admin_ids);
    let print_ids = admin_ids.clone();
    let long_candidates: Vec<i64> = print_ids.iter().take(200).copied().collect();
    phases.push(
        run_phase(
            "record read, admin",
            addr,
            &admin,
            r,
            c,
            limit,
            Arc::new(move |rng: &mut StdRng| {
                format!(
                    "/api/v1/persons/{}",
                    admin_ids[rng.gen_range(0..admin_ids.len())]
                )
            }),
        )
        .await,
    );
    let ua_ids = Arc::new(ua_ids);
    // A unit's batch: 300 distinct records printed one after the other (as `App::form_2c_of_unit`
    // does for a unit of 300), as the system administrator.
    let batch: Vec<i64> = print_ids.iter().rev().take(300).copied().collect();
    phases.push(
        run_phase(
            "record read, unit admin (scoped)",
            addr,
            &ua_token,
            r,
            c,
            limit,
            Arc::new(move |rng: &mut StdRng| {
                format!("/api/v1/persons/{}", ua_ids[rng.gen_range(0..ua_ids.len())])
            }),
        )
        .await,
    );

    // Alerts (issue 18): the stored list as the home page's counts read it, and the what-if
    // preview of the whole province a year ahead, computed from the records at each request
    // (one at a time: it is a single administrator's question, not a crowd's).
    phases.push(
        run_phase(
            "alerts, stored list (admin, per_page=50)",
            addr,
            &admin,
            r,
            c,
            limit,
            Arc::new(|_: &mut StdRng| "/api/v1/alerts?per_page=50".to_string()),
        )
        .await,
    );
    phases.push(
        run_phase(
            "alerts preview a year ahead, whole province (admin, 1 worker)",
            addr,
            &admin,
            r.min(20),
            1,
            limit,
            Arc::new(|_: &mut StdRng| {
                "/api/v1/alerts/preview?date=2027-12-01&per_page=50".to_string()
            }),
        )
        .await,
    );

    // Printing (issue 13): one mẫu 2C as PDF per request, random records; then a unit's batch,
    // up to 300 records of the unit administrator's scope one after the other on one connection.
    phases.push(
        run_phase(
            "mẫu 2C as PDF, admin",
            addr,
            &admin,
            r.min(300),
            c,
            limit,
            Arc::new(move |rng: &mut StdRng| {
                format!(
                    "/api/v1/persons/{}/documents/2c?format=pdf",
                    print_ids[rng.gen_range(0..print_ids.len())]
                )
            }),
        )
        .await,
    );
    let t = Instant::now();
    let mut batch_bytes = 0usize;
    for id in &batch {
        let reply = conn
            .request(
                "GET",
                &format!("/api/v1/persons/{id}/documents/2c?format=pdf"),
                Some(&admin),
                None,
            )
            .await?;
        if reply.status != 200 {
            return Err(format!("mẫu 2C of {id}: HTTP {}", reply.status).into());
        }
        batch_bytes += reply.body.len();
    }
    let batch_time = t.elapsed();

    // One long record (issue 13: "a document of 20 pages renders in under a second"): a record
    // given 120 work-history rows, 60 salary rows, 40 trainings and 50 relatives, printed ten
    // times over HTTP; the pages are counted in the PDF.
    // A person born before 1991, so that ten years of monthly rows from age 16 are in the past.
    let mut long_id = long_candidates[0];
    let mut long = Value::Null;
    for id in &long_candidates {
        let reply = conn
            .request("GET", &format!("/api/v1/persons/{id}"), Some(&admin), None)
            .await?
            .json()?;
        let born = reply["record"]["general"]["date_of_birth"]
            .as_str()
            .and_then(|d| d.get(0..4))
            .and_then(|y| y.parse::<i32>().ok());
        if born.is_some_and(|y| y <= 1990) {
            long_id = *id;
            long = reply;
            break;
        }
    }
    let start = long["record"]["general"]["date_of_birth"]
        .as_str()
        .and_then(|d| d.get(0..4))
        .and_then(|y| y.parse::<i32>().ok())
        .unwrap_or(1970)
        + 16;
    let mut record = long["record"].clone();
    let month = |i: i32| format!("{}-{:02}", start + i / 12, i % 12 + 1);
    record["work_history"] = Value::Array(
        (0..120)
            .map(|i| {
                serde_json::json!({"from": month(i), "to": month(i + 1),
                    "unit": format!("Phòng Tổ chức cán bộ, Sở Nội vụ — đợt luân chuyển thứ {i}"),
                    "title_or_position": format!("Chuyên viên phụ trách thi đua, khen thưởng {i}")})
            })
            .collect(),
    );
    record["salary_history"] = Value::Array(
        (0..60)
            .map(|i| {
                serde_json::json!({"from": month(i), "to": month(i + 1),
                    "salary_step": i % 9 + 1, "salary_coefficient": 2.34 + f64::from(i % 9) * 0.33})
            })
            .collect(),
    );
    record["professional_trainings"] = Value::Array(
        (0..40)
            .map(|i| {
                serde_json::json!({"from": month(i), "to": month(i + 1),
                    "institution": format!("Học viện Hành chính Quốc gia, phân viện Huế {i}"),
                    "major": "Quản lý nhà nước về tổ chức bộ máy",
                    "training_mode": "Vừa làm vừa học"})
            })
            .collect(),
    );
    record["family_members"] = Value::Array(
        (0..50)
            .map(|i| {
                serde_json::json!({"side": if i % 3 == 0 { "ben_vo_chong" } else { "ban_than" },
                    "relationship": "cac_con",
                    "full_name": format!("Nguyễn Thị Ỷ Lan {i}"),
                    "birth_year": 1990 + (i % 20),
                    "occupation": "Giáo viên trường Tiểu học Điện Hồng",
                    "details": "Đảng viên; không tiền án, tiền sự"})
            })
            .collect(),
    );
    let put = serde_json::json!({"expected_version": long["current_version"], "record": record,
        "note": "Quá trình dài (đo thời gian in)"});
    let reply = conn
        .request(
            "PUT",
            &format!("/api/v1/persons/{long_id}/record"),
            Some(&admin),
            Some(put.to_string().as_bytes()),
        )
        .await?;
    if reply.status != 200 {
        let body = String::from_utf8_lossy(&reply.body);
        return Err(format!(
            "lengthening record {long_id}: HTTP {} {}",
            reply.status,
            body.chars().take(400).collect::<String>()
        )
        .into());
    }
    let version = reply.json()?["current_version"].as_i64().unwrap_or(1);
    let mut long_times = Vec::new();
    let mut long_pages = 0;
    for _ in 0..10 {
        let t = Instant::now();
        let reply = conn
            .request(
                "GET",
                &format!("/api/v1/persons/{long_id}/documents/2c?format=pdf&version={version}"),
                Some(&admin),
                None,
            )
            .await?;
        long_times.push(t.elapsed());
        if reply.status != 200 {
            return Err(format!("long mẫu 2C: HTTP {}", reply.status).into());
        }
        long_pages = pdf_pages(&reply.body);
    }
    long_times.sort();
    let long_median = long_times[long_times.len() / 2];
    println!(
        "long mẫu 2C: {long_pages} pages, median {:.0} ms, slowest {:.0} ms of 10 prints",
        long_median.as_secs_f64() * 1e3,
        long_times[long_times.len() - 1].as_secs_f64() * 1e3
    );
    println!(
        "mẫu 2C batch: {} distinct records as PDF, one after the other, \
         in {:.1} s ({:.0} ms each, {} in all)",
        batch.len(),
        batch_time.as_secs_f64(),
        batch_time.as_secs_f64() * 1e3 / batch.len().max(1) as f64,
        mb(batch_bytes as i64)
    );

    // Reports and the statutory form (issue 12), each beside its SQL on the database.
    let (report_phases, report_md) =
        reports::run(&app, addr, &mut conn, &admin, (r, c, limit)).await?;
    phases.extend(report_phases);

    // 4. Size, memory, start-up on the seeded database.
    let size = app.store().size_bytes().await?;
    let schema_after_load = schema_size(db).await;
    if let (Some(a), Some(b)) = (schema_after_seed, schema_after_load) {
        println!(
            "benchmark schema alone (tables + indexes + TOAST): {} after seeding, {} after load",
            mb(a),
            mb(b)
        );
    }
    let (rss_now, hwm) = rss();
    println!(
        "database size after load: {} (audit entries from record reads included)",
        mb(size)
    );
    println!(
        "process RSS after load: {rss_now} (peak {hwm}, includes seeding); the server runs \
         in-process with the load generator, so this is server + client (+ SQLite page cache on SQLite)"
    );
    let t = Instant::now();
    let second = App::start(config.clone()).await?;
    let startup = t.elapsed();
    second.store().close().await;
    println!(
        "App::start on the seeded database: {:.0} ms",
        startup.as_secs_f64() * 1e3
    );

    // 5. Summary.
    let mut md = String::new();
    let _ = writeln!(
        md,
        "\n### {} — {} people, {} workers, {} requests per phase\n",
        db.label, args.people, c, r
    );
    let _ = writeln!(md, "| Measure | Value |\n|---|---|");
    let _ = writeln!(md, "| Seeding | {seeding} |");
    let _ = writeln!(md, "| Seeding rate | {seed_rate:.0} people/s |");
    let _ = writeln!(
        md,
        "| Database size | {} after seeding, {} after load |",
        mb(size_after_seed),
        mb(size)
    );
    if let (Some(a), Some(b)) = (schema_after_seed, schema_after_load) {
        let _ = writeln!(
            md,
            "| Benchmark schema alone (the size above is the whole PostgreSQL database) | {} after seeding, {} after load |",
            mb(a),
            mb(b)
        );
    }
    let _ = writeln!(
        md,
        "| Start-up (`App::start`) | {:.0} ms empty DB, {:.0} ms seeded DB |",
        first_start.as_secs_f64() * 1e3,
        startup.as_secs_f64() * 1e3
    );
    let _ = writeln!(
        md,
        "| Process RSS (server in-process + load client) | {rss_now} after load (after seeding {rss_seed}, peak {hwm}) |"
    );
    let _ = writeln!(
        md,
        "| mẫu 2C batch (PDF, sequential, one connection) | {} records in {:.1} s ({:.0} ms each) |",
        batch.len(),
        batch_time.as_secs_f64(),
        batch_time.as_secs_f64() * 1e3 / batch.len().max(1) as f64
    );
    let _ = writeln!(
        md,
        "| mẫu 2C of a long record (PDF, one request) | {long_pages} pages: median {:.0} ms, slowest {:.0} ms of 10 |",
        long_median.as_secs_f64() * 1e3,
        long_times[long_times.len() - 1].as_secs_f64() * 1e3
    );
    let _ = writeln!(
        md,
        "\n| Phase | Requests | req/s | p50 ms | p95 ms | p99 ms | max ms | non-200 / errors |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    for p in &phases {
        let _ = writeln!(
            md,
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} / {} |",
            p.name,
            p.done,
            p.rate(),
            p.pct(50.0),
            p.pct(95.0),
            p.pct(99.0),
            p.max(),
            p.non_ok,
            p.errors
        );
    }
    md.push_str(&report_md);
    println!("{md}");
    app.store().close().await;
    Ok(())
}
