//! The register of periodic reports sent (migration 0046): one row per deadline rule, cycle
//! (year) and reporting unit; each with the manifest of what it said and, once the head has
//! signed it, the signature (migration 0049).

use sea_query::{Order, Query};
use sqlx::{AnyConnection, Row};

use crate::query::{self, Expr, ExprTrait, JoinType, ident};
use crate::{StoreError, StoreResult};

const COLUMNS: [&str; 12] = [
    "id",
    "rule_id",
    "cycle_year",
    "due",
    "unit_id",
    "sent_on",
    "reference",
    "note",
    "recorded_by",
    "recorded_at",
    "manifest",
    "manifest_sha256",
];

/// A report recorded as sent. Dates are ISO.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportSubmission {
    pub id: i64,
    pub rule_id: String,
    /// The year of the date the rule's text names.
    pub cycle_year: i64,
    /// The due date as computed when it was recorded.
    pub due: String,
    pub unit_id: i64,
    pub sent_on: String,
    /// The number of the document that carried it (số, ký hiệu văn bản).
    pub reference: String,
    pub note: Option<String>,
    pub recorded_by: i64,
    pub recorded_at: i64,
    /// What was sent, frozen when it was recorded: the bytes the head signs.
    pub manifest: Option<String>,
    pub manifest_sha256: Option<String>,
    /// Who signed it and when (ms since the Unix epoch), once signed.
    pub signer_subject: Option<String>,
    pub signed_at: Option<i64>,
}

/// A report to record as sent.
#[derive(Debug, Clone)]
pub struct NewReportSubmission<'a> {
    pub rule_id: &'a str,
    pub cycle_year: i64,
    pub due: &'a str,
    pub unit_id: i64,
    pub sent_on: &'a str,
    pub reference: &'a str,
    pub note: Option<&'a str>,
    pub recorded_by: i64,
    pub recorded_at: i64,
    pub manifest: &'a str,
    pub manifest_sha256: &'a str,
}

/// The head's signature of a report's manifest, verified.
#[derive(Debug, Clone)]
pub struct ReportSignature<'a> {
    pub submission_id: i64,
    pub signature_hex: &'a str,
    pub signer_subject: &'a str,
    pub signer_certificate_pem: &'a str,
    /// `external` (a detached signature made outside) or `pkcs12` (made here with the key file).
    pub signing_mode: &'a str,
    pub signed_by: i64,
    pub signed_at: i64,
}

/// Records a report sent: its id, or none when the unit's report of that cycle is recorded
/// already (kept as it was).
pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewReportSubmission<'_>,
) -> StoreResult<Option<i64>> {
    let mut insert = Query::insert();
    insert
        .into_table(ident("report_submissions"))
        .columns(COLUMNS[1..].iter().copied().map(ident))
        .values([
            Expr::val(new.rule_id),
            Expr::val(new.cycle_year),
            Expr::val(new.due),
            Expr::val(new.unit_id),
            Expr::val(new.sent_on),
            Expr::val(new.reference),
            Expr::val(new.note),
            Expr::val(new.recorded_by),
            Expr::val(new.recorded_at),
            Expr::val(new.manifest),
            Expr::val(new.manifest_sha256),
        ])
        .map_err(|e| StoreError::Invalid(format!("report_submissions: {e}")))?
        .on_conflict(
            sea_query::OnConflict::columns(["rule_id", "cycle_year", "unit_id"].map(ident))
                .do_nothing()
                .to_owned(),
        )
        .returning_col(ident("id"));
    Ok(query::fetch_optional(conn, &insert)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?)
}

/// The reports recorded for these rules in these cycle years, every unit.
pub async fn of_cycles(
    conn: &mut AnyConnection,
    rule_ids: &[String],
    years: &[i64],
) -> StoreResult<Vec<ReportSubmission>> {
    if rule_ids.is_empty() || years.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = select();
    q.and_where(Expr::col((ident("s"), ident("rule_id"))).is_in(rule_ids.iter().cloned()))
        .and_where(Expr::col((ident("s"), ident("cycle_year"))).is_in(years.iter().copied()))
        .order_by((ident("s"), ident("id")), Order::Asc);
    query::fetch_all(conn, &q).await?.iter().map(read).collect()
}

/// One recorded report.
pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<ReportSubmission>> {
    let mut q = select();
    q.and_where(Expr::col((ident("s"), ident("id"))).eq(id));
    query::fetch_optional(conn, &q)
        .await?
        .as_ref()
        .map(read)
        .transpose()
}

/// Keeps the head's signature of a report; `false` when it is signed already (kept as it was).
pub async fn sign(conn: &mut AnyConnection, signature: &ReportSignature<'_>) -> StoreResult<bool> {
    let mut insert = Query::insert();
    insert
        .into_table(ident("report_signatures"))
        .columns(
            [
                "submission_id",
                "signature_hex",
                "signer_subject",
                "signer_certificate_pem",
                "signing_mode",
                "signed_by",
                "signed_at",
            ]
            .map(ident),
        )
        .values([
            Expr::val(signature.submission_id),
            Expr::val(signature.signature_hex),
            Expr::val(signature.signer_subject),
            Expr::val(signature.signer_certificate_pem),
            Expr::val(signature.signing_mode),
            Expr::val(signature.signed_by),
            Expr::val(signature.signed_at),
        ])
        .map_err(|e| StoreError::Invalid(format!("report_signatures: {e}")))?
        .on_conflict(
            sea_query::OnConflict::column(ident("submission_id"))
                .do_nothing()
                .to_owned(),
        );
    Ok(query::execute(conn, &insert).await? == 1)
}

/// The stored detached signature of a signed report (hex of DER).
pub async fn signature(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<String>> {
    let mut q = Query::select();
    q.column(ident("signature_hex"))
        .from(ident("report_signatures"))
        .and_where(Expr::col(ident("submission_id")).eq(id));
    query::fetch_optional(conn, &q)
        .await?
        .map(|r| Ok(r.try_get("signature_hex")?))
        .transpose()
}

/// Submissions with their signer, if signed.
fn select() -> sea_query::SelectStatement {
    let mut q = Query::select();
    q.columns(COLUMNS.map(|c| (ident("s"), ident(c))))
        .columns(["signer_subject", "signed_at"].map(|c| (ident("g"), ident(c))))
        .from_as(ident("report_submissions"), ident("s"))
        .join_as(
            JoinType::LeftJoin,
            ident("report_signatures"),
            ident("g"),
            Expr::col((ident("g"), ident("submission_id"))).equals((ident("s"), ident("id"))),
        );
    q
}

fn read(r: &sqlx::any::AnyRow) -> StoreResult<ReportSubmission> {
    Ok(ReportSubmission {
        id: r.try_get("id")?,
        rule_id: r.try_get("rule_id")?,
        cycle_year: r.try_get("cycle_year")?,
        due: r.try_get("due")?,
        unit_id: r.try_get("unit_id")?,
        sent_on: r.try_get("sent_on")?,
        reference: r.try_get("reference")?,
        note: r.try_get("note")?,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
        manifest: r.try_get("manifest")?,
        manifest_sha256: r.try_get("manifest_sha256")?,
        signer_subject: r.try_get("signer_subject")?,
        signed_at: r.try_get("signed_at")?,
    })
}
