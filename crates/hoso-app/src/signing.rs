//! Digital signatures of approval manifests: detached CMS (PKCS#7) signatures over SHA-256,
//! checked against the province's trusted roots (OpenSSL does the cryptography). Also the
//! small certificate authority the demo and the tests use to issue approvers' certificates.

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::stack::Stack;
use openssl::x509::extension::{BasicConstraints, KeyUsage};
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::verify::X509VerifyParam;
use openssl::x509::{X509, X509NameBuilder, X509StoreContext};

/// What a verified signature tells about its signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// The certificate subject, one line (`CN=…, O=…`).
    pub subject: String,
    /// The signer's certificate, PEM.
    pub certificate_pem: String,
    /// Last second of validity, Unix time.
    pub not_after: String,
}

/// Reads every certificate in a PEM bundle (the trusted roots).
pub fn read_roots(pem: &[u8]) -> Result<Vec<X509>, String> {
    let roots = X509::stack_from_pem(pem)
        .map_err(|e| format!("Không đọc được chứng thư gốc (PEM): {e}"))?;
    if roots.is_empty() {
        return Err("Tệp chứng thư gốc không có chứng thư nào.".into());
    }
    Ok(roots)
}

fn one_line(name: &openssl::x509::X509NameRef) -> String {
    name.entries()
        .map(|e| {
            let key = e.object().nid().short_name().unwrap_or("?");
            let value = e.data().to_string().unwrap_or_default();
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The common name (CN) of a subject as [`one_line`] writes it: what a page shows of a signer.
/// Vietnamese certificates often carry the holder's ID number in other parts of the name.
pub fn common_name(subject: &str) -> &str {
    subject
        .split(", ")
        .find_map(|part| part.strip_prefix("CN="))
        .unwrap_or(subject)
}

fn vn_time(t: &openssl::asn1::Asn1TimeRef) -> String {
    t.to_string()
}

/// Checks a detached signature over `content` as of `at` (Unix seconds): the signature must be
/// CMS/PKCS#7 carrying the signer's certificate, the certificate valid at `at`, allowed to sign
/// (key usage), chained to one of `roots`, and the signature must match `content`.
/// Errors are the Vietnamese sentence the user reads.
pub fn verify_detached(
    signature: &[u8],
    content: &[u8],
    roots: &[X509],
    at: i64,
) -> Result<Signer, String> {
    if roots.is_empty() {
        return Err(
            "Chưa cấu hình chứng thư của tổ chức chứng thực gốc được tin cậy (HOSO_TRUSTED_ROOTS): không thể kiểm tra chữ ký số."
                .into(),
        );
    }
    let pkcs7 = Pkcs7::from_der(signature)
        .or_else(|_| Pkcs7::from_pem(signature))
        .map_err(|_| {
            "Chữ ký số không đọc được: cần chữ ký CMS/PKCS#7 tách rời (DER hoặc PEM).".to_string()
        })?;
    let empty = Stack::<X509>::new().map_err(|e| e.to_string())?;
    let signers = pkcs7
        .signers(&empty, Pkcs7Flags::empty())
        .map_err(|_| "Chữ ký số không kèm chứng thư số của người ký.".to_string())?;
    let signer = signers
        .iter()
        .next()
        .ok_or("Chữ ký số không kèm chứng thư số của người ký.")?
        .to_owned();
    let mut chain = Stack::<X509>::new().map_err(|e| e.to_string())?;
    if let Some(certs) = pkcs7.signed().and_then(|s| s.certificates()) {
        for c in certs {
            chain.push(c.to_owned()).map_err(|e| e.to_string())?;
        }
    }

    let when = Asn1Time::from_unix(at).map_err(|e| e.to_string())?;
    if signer.not_before() > when {
        return Err(format!(
            "Chứng thư số của người ký chưa đến thời hạn hiệu lực (có hiệu lực từ {}).",
            vn_time(signer.not_before())
        ));
    }
    if signer.not_after() < when {
        return Err(format!(
            "Chứng thư số của người ký đã hết hạn ({}).",
            vn_time(signer.not_after())
        ));
    }
    check_key_usage(&signer)?;

    let store = trust_store(roots, at)?;
    let chained = {
        let mut ctx = X509StoreContext::new().map_err(|e| e.to_string())?;
        ctx.init(&store, &signer, &chain, |c| {
            let ok = c.verify_cert()?;
            Ok((ok, c.error().error_string().to_string()))
        })
        .map_err(|e| e.to_string())?
    };
    if !chained.0 {
        return Err(format!(
            "Chứng thư số của người ký không được tin cậy: không dẫn tới tổ chức chứng thực gốc đã cấu hình ({}).",
            chained.1
        ));
    }
    pkcs7
        .verify(
            &chain,
            &store,
            Some(content),
            None,
            Pkcs7Flags::NOVERIFY | Pkcs7Flags::BINARY,
        )
        .map_err(|_| {
            "Chữ ký số không khớp với bản kê: bản kê đã bị sửa hoặc đây là chữ ký của một bản kê khác."
                .to_string()
        })?;
    let pem = signer.to_pem().map_err(|e| e.to_string())?;
    Ok(Signer {
        subject: one_line(signer.subject_name()),
        certificate_pem: String::from_utf8_lossy(&pem).into_owned(),
        not_after: vn_time(signer.not_after()),
    })
}

/// A certificate that states its key usage must allow signing (digitalSignature or
/// nonRepudiation); one that states none may sign (RFC 5280 §4.2.1.3).
fn check_key_usage(cert: &X509) -> Result<(), String> {
    let der = cert.to_der().map_err(|e| e.to_string())?;
    let (_, parsed) = x509_parser::parse_x509_certificate(&der)
        .map_err(|_| "Chứng thư số của người ký không đọc được.".to_string())?;
    match parsed.key_usage() {
        Ok(Some(ku)) if !(ku.value.digital_signature() || ku.value.non_repudiation()) => Err(
            "Chứng thư số này không được phép dùng để ký (mục đích sử dụng khóa không có chữ ký số / chống chối bỏ)."
                .into(),
        ),
        Ok(_) => Ok(()),
        Err(_) => Err("Chứng thư số của người ký có phần mở rộng không hợp lệ.".into()),
    }
}

fn trust_store(roots: &[X509], at: i64) -> Result<X509Store, String> {
    let mut builder = X509StoreBuilder::new().map_err(|e| e.to_string())?;
    for r in roots {
        builder.add_cert(r.clone()).map_err(|e| e.to_string())?;
    }
    let mut param = X509VerifyParam::new().map_err(|e| e.to_string())?;
    param.set_time(at as _);
    builder.set_param(&param).map_err(|e| e.to_string())?;
    Ok(builder.build())
}

/// Signs `content` with the key and certificate in a PKCS#12 file (the deployments without
/// USB tokens). The key is used for this one signature and never stored.
pub fn sign_with_pkcs12(pkcs12: &[u8], password: &str, content: &[u8]) -> Result<Vec<u8>, String> {
    let parsed = Pkcs12::from_der(pkcs12)
        .map_err(|_| "Tệp khóa ký số không phải PKCS#12 (.p12/.pfx) hợp lệ.".to_string())?
        .parse2(password)
        .map_err(|_| "Mật khẩu của tệp khóa ký số không đúng (hoặc tệp bị hỏng).".to_string())?;
    let (Some(key), Some(cert)) = (parsed.pkey, parsed.cert) else {
        return Err("Tệp PKCS#12 không chứa khóa bí mật và chứng thư số của người ký.".into());
    };
    let mut chain = Stack::<X509>::new().map_err(|e| e.to_string())?;
    if let Some(ca) = parsed.ca {
        for c in ca {
            chain.push(c).map_err(|e| e.to_string())?;
        }
    }
    sign_detached(&cert, &key, &chain, content)
}

/// A detached PKCS#7 signature (SHA-256) over `content`, carrying the signer's certificate and
/// `chain`, DER.
pub fn sign_detached(
    cert: &X509,
    key: &PKey<Private>,
    chain: &Stack<X509>,
    content: &[u8],
) -> Result<Vec<u8>, String> {
    let signed = Pkcs7::sign(
        cert,
        key,
        chain,
        content,
        Pkcs7Flags::DETACHED | Pkcs7Flags::BINARY,
    )
    .map_err(|e| format!("Không ký được: {e}"))?;
    signed.to_der().map_err(|e| e.to_string())
}

/// A certificate and its key, issued by [`Authority`].
pub struct Issued {
    pub cert: X509,
    pub key: PKey<Private>,
}

impl Issued {
    /// The key, the certificate and `chain` in a PKCS#12 file protected by `password`.
    pub fn to_pkcs12(&self, chain: &[&X509], password: &str) -> Result<Vec<u8>, String> {
        let mut ca = Stack::<X509>::new().map_err(|e| e.to_string())?;
        for c in chain {
            ca.push((*c).clone()).map_err(|e| e.to_string())?;
        }
        let mut builder = Pkcs12::builder();
        builder.name("Hoso").pkey(&self.key).cert(&self.cert).ca(ca);
        builder
            .build2(password)
            .and_then(|p| p.to_der())
            .map_err(|e| e.to_string())
    }
}

/// What a certificate may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    CertificateAuthority,
    Signing,
    /// Encryption only: a certificate that must not be accepted for signatures.
    Encryption,
}

/// Issues certificates: a self-signed root, intermediates and signers. Used by the demo
/// province (so that its approvers can sign) and by the tests (which need expired, not yet
/// valid, untrusted and wrong-usage certificates); a real province uses its CA's certificates.
pub struct Authority;

impl Authority {
    /// A certificate for `common_name`, valid from `from` to `to` (Unix seconds), signed by
    /// `issuer` (self-signed when `None`).
    pub fn issue(
        common_name: &str,
        usage: Usage,
        from: i64,
        to: i64,
        issuer: Option<&Issued>,
    ) -> Result<Issued, String> {
        let e = |e: openssl::error::ErrorStack| e.to_string();
        let key = PKey::from_rsa(Rsa::generate(2048).map_err(e)?).map_err(e)?;
        let mut name = X509NameBuilder::new().map_err(e)?;
        name.append_entry_by_text("C", "VN").map_err(e)?;
        name.append_entry_by_text("O", "Hoso").map_err(e)?;
        name.append_entry_by_text("CN", common_name).map_err(e)?;
        let name = name.build();
        let mut b = X509::builder().map_err(e)?;
        b.set_version(2).map_err(e)?;
        let mut serial = BigNum::new().map_err(e)?;
        serial.rand(127, MsbOption::MAYBE_ZERO, false).map_err(e)?;
        let serial = serial.to_asn1_integer().map_err(e)?;
        b.set_serial_number(&serial).map_err(e)?;
        b.set_subject_name(&name).map_err(e)?;
        match issuer {
            Some(i) => b.set_issuer_name(i.cert.subject_name()).map_err(e)?,
            None => b.set_issuer_name(&name).map_err(e)?,
        }
        b.set_pubkey(&key).map_err(e)?;
        let (not_before, not_after) = (
            Asn1Time::from_unix(from).map_err(e)?,
            Asn1Time::from_unix(to).map_err(e)?,
        );
        b.set_not_before(&not_before).map_err(e)?;
        b.set_not_after(&not_after).map_err(e)?;
        match usage {
            Usage::CertificateAuthority => {
                b.append_extension(BasicConstraints::new().critical().ca().build().map_err(e)?)
                    .map_err(e)?;
                b.append_extension(
                    KeyUsage::new()
                        .critical()
                        .key_cert_sign()
                        .crl_sign()
                        .build()
                        .map_err(e)?,
                )
                .map_err(e)?;
            }
            Usage::Signing => {
                b.append_extension(BasicConstraints::new().build().map_err(e)?)
                    .map_err(e)?;
                b.append_extension(
                    KeyUsage::new()
                        .critical()
                        .digital_signature()
                        .non_repudiation()
                        .build()
                        .map_err(e)?,
                )
                .map_err(e)?;
            }
            Usage::Encryption => {
                b.append_extension(BasicConstraints::new().build().map_err(e)?)
                    .map_err(e)?;
                b.append_extension(
                    KeyUsage::new()
                        .critical()
                        .key_encipherment()
                        .build()
                        .map_err(e)?,
                )
                .map_err(e)?;
            }
        }
        let signing_key = issuer.map_or(&key, |i| &i.key);
        b.sign(signing_key, MessageDigest::sha256()).map_err(e)?;
        Ok(Issued {
            cert: b.build(),
            key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    struct Pki {
        root: Issued,
        intermediate: Issued,
        now: i64,
    }

    fn pki() -> Pki {
        let now = 1_790_000_000;
        let root = Authority::issue(
            "Root",
            Usage::CertificateAuthority,
            now - 400 * DAY,
            now + 4000 * DAY,
            None,
        )
        .unwrap();
        let intermediate = Authority::issue(
            "Sub CA",
            Usage::CertificateAuthority,
            now - 300 * DAY,
            now + 3000 * DAY,
            Some(&root),
        )
        .unwrap();
        Pki {
            root,
            intermediate,
            now,
        }
    }

    fn sign(pki: &Pki, signer: &Issued, content: &[u8]) -> Vec<u8> {
        let p12 = signer
            .to_pkcs12(&[&pki.intermediate.cert], "mật khẩu")
            .unwrap();
        sign_with_pkcs12(&p12, "mật khẩu", content).unwrap()
    }

    #[test]
    fn a_signature_through_an_intermediate_verifies_and_names_its_signer() {
        let pki = pki();
        let signer = Authority::issue(
            "Nguyễn Văn Ký",
            Usage::Signing,
            pki.now - DAY,
            pki.now + 365 * DAY,
            Some(&pki.intermediate),
        )
        .unwrap();
        let sig = sign(&pki, &signer, b"manifest");
        let who = verify_detached(
            &sig,
            b"manifest",
            std::slice::from_ref(&pki.root.cert),
            pki.now,
        )
        .unwrap();
        assert!(who.subject.contains("CN=Nguyễn Văn Ký"), "{}", who.subject);
        assert!(
            who.certificate_pem
                .starts_with("-----BEGIN CERTIFICATE-----")
        );
        // PEM input works too.
        let pem = Pkcs7::from_der(&sig).unwrap().to_pem().unwrap();
        assert!(
            verify_detached(
                &pem,
                b"manifest",
                std::slice::from_ref(&pki.root.cert),
                pki.now
            )
            .is_ok()
        );
    }

    #[test]
    fn every_refusal_has_its_own_message() {
        let pki = pki();
        let roots = [pki.root.cert.clone()];
        let issue = |usage, from, to| {
            Authority::issue("Người ký", usage, from, to, Some(&pki.intermediate)).unwrap()
        };
        let good = issue(Usage::Signing, pki.now - DAY, pki.now + DAY);
        let sig = sign(&pki, &good, b"manifest");

        let tampered = verify_detached(&sig, b"manifest!", &roots, pki.now).unwrap_err();
        assert!(tampered.contains("không khớp"), "{tampered}");

        let expired = issue(Usage::Signing, pki.now - 10 * DAY, pki.now - DAY);
        let e = verify_detached(&sign(&pki, &expired, b"m"), b"m", &roots, pki.now).unwrap_err();
        assert!(e.contains("hết hạn"), "{e}");

        let future = issue(Usage::Signing, pki.now + DAY, pki.now + 10 * DAY);
        let e = verify_detached(&sign(&pki, &future, b"m"), b"m", &roots, pki.now).unwrap_err();
        assert!(e.contains("chưa đến thời hạn"), "{e}");

        let encryption = issue(Usage::Encryption, pki.now - DAY, pki.now + DAY);
        let e = verify_detached(&sign(&pki, &encryption, b"m"), b"m", &roots, pki.now).unwrap_err();
        assert!(e.contains("không được phép dùng để ký"), "{e}");

        let stranger = Authority::issue(
            "Other root",
            Usage::CertificateAuthority,
            pki.now - DAY,
            pki.now + DAY,
            None,
        )
        .unwrap();
        let e = verify_detached(&sig, b"manifest", &[stranger.cert], pki.now).unwrap_err();
        assert!(e.contains("không được tin cậy"), "{e}");

        let e = verify_detached(&sig, b"manifest", &[], pki.now).unwrap_err();
        assert!(e.contains("HOSO_TRUSTED_ROOTS"), "{e}");

        let e = verify_detached(b"garbage", b"manifest", &roots, pki.now).unwrap_err();
        assert!(e.contains("không đọc được"), "{e}");
    }

    #[test]
    fn pkcs12_with_a_wrong_password_or_wrong_format_is_refused() {
        let pki = pki();
        let signer = Authority::issue(
            "Người ký",
            Usage::Signing,
            pki.now - DAY,
            pki.now + DAY,
            Some(&pki.intermediate),
        )
        .unwrap();
        let p12 = signer.to_pkcs12(&[], "đúng").unwrap();
        assert!(
            sign_with_pkcs12(&p12, "sai", b"m")
                .unwrap_err()
                .contains("Mật khẩu")
        );
        assert!(
            sign_with_pkcs12(b"not a p12", "x", b"m")
                .unwrap_err()
                .contains("PKCS#12")
        );
    }

    #[test]
    fn roots_are_read_from_a_pem_bundle() {
        let pki = pki();
        let mut bundle = pki.root.cert.to_pem().unwrap();
        bundle.extend(pki.intermediate.cert.to_pem().unwrap());
        assert_eq!(read_roots(&bundle).unwrap().len(), 2);
        assert!(read_roots(b"").is_err());
    }
}
