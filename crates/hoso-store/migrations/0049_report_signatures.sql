-- The annual report signed by the head of the unit that sends it, like an approval batch
-- (issue 12): when a report is recorded as sent, what it says is frozen as a manifest (the
-- rule, the cycle, the document that carried it, and the unit's headcount by ngạch and chức
-- danh nghề nghiệp that day); the head signs those bytes with a digital signature, verified
-- against the trusted roots and kept with the signer's certificate. Reports recorded before
-- this have no manifest and cannot be signed.
ALTER TABLE report_submissions ADD COLUMN manifest TEXT;
ALTER TABLE report_submissions ADD COLUMN manifest_sha256 TEXT;
CREATE TABLE report_signatures (
    submission_id BIGINT PRIMARY KEY REFERENCES report_submissions(id),
    signature_hex TEXT NOT NULL,
    signer_subject TEXT NOT NULL,
    signer_certificate_pem TEXT NOT NULL,
    signing_mode TEXT NOT NULL,
    signed_by BIGINT NOT NULL,
    signed_at BIGINT NOT NULL
);
