//! What the audit trail records: every kind of action, its stable code (stored in each entry
//! and used in filters) and its Vietnamese name. Use cases name their action with this enum,
//! never with a string, so the trail's vocabulary is written down in one place.

/// An action recorded in the audit trail. A refusal is recorded as the action's code with
/// `.refused` appended ([`AuditAction::refused_code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// Đăng nhập.
    AuthLogin,
    /// Đăng nhập sai.
    AuthLoginFailed,
    /// Đăng nhập khi tài khoản bị khóa.
    AuthLoginRefusedLocked,
    /// Đăng xuất.
    AuthLogout,
    /// Kết thúc phiên.
    AuthSessionRevoke,
    /// Đăng nhập qua hệ thống tài khoản dùng chung bị từ chối.
    AuthOidcRefused,
    /// Xem hồ sơ.
    RecordRead,
    /// Tạo hồ sơ.
    RecordCreate,
    /// Sửa hồ sơ.
    RecordUpdate,
    /// Xuất gói hồ sơ đã ký.
    RecordExportPackage,
    /// Bàn giao hồ sơ người chuyển công tác ra ngoài tỉnh (gói đã ký).
    RecordHandOver,
    /// Tiếp nhận hồ sơ từ ngoài tỉnh (gói đã ký).
    RecordReceive,
    /// Đơn vị tiếp nhận xác nhận hồ sơ nhận từ ngoài tỉnh.
    RecordReceiveConfirm,
    /// Ghi nhận đã báo cáo Sở Nội vụ về người chuyển đến, chuyển đi.
    RecordHandoverReport,
    /// Kiểm tra tệp nhập dữ liệu (chạy thử).
    ImportDryRun,
    /// Nhập dữ liệu từ tệp.
    ImportRun,
    /// Ghi một lô hồ sơ nhập từ tệp.
    ImportBatch,
    /// Lưu cách ghép cột để nhập lần sau.
    ImportMappingSave,
    /// Xóa cách ghép cột đã lưu.
    ImportMappingDelete,
    /// In sơ yếu lý lịch (mẫu 2C).
    RecordPrint,
    /// Cấp quyền xem hồ sơ ngoài phạm vi.
    RecordAccessGrant,
    /// Thu hồi quyền xem hồ sơ ngoài phạm vi.
    RecordAccessRevoke,
    /// Xem danh sách quyền xem hồ sơ.
    RecordAccessList,
    /// Xem danh sách hồ sơ được chia sẻ.
    RecordAccessListShared,
    /// Tạo tài khoản.
    AccountCreate,
    /// Đặt lại mật khẩu.
    AccountResetPassword,
    /// Đổi mật khẩu.
    AccountChangePassword,
    /// Bắt đầu đăng ký xác thực hai lớp.
    AccountTotpStart,
    /// Bật xác thực hai lớp.
    AccountTotpEnable,
    /// Đặt lại xác thực hai lớp.
    AccountResetTotp,
    /// Chấm dứt quyền cá nhân.
    AccountRevokePersonalAccess,
    /// Đổi thư điện tử.
    AccountEmail,
    /// Tạo tài khoản cá nhân.
    AccountCreatePersonal,
    /// Cấp mã kích hoạt tài khoản cá nhân.
    AccountIssueActivation,
    /// Cấp tài khoản cá nhân cho cả đơn vị.
    AccountIssueActivationUnit,
    /// Kích hoạt tài khoản cá nhân.
    AccountActivate,
    /// Khôi phục quyền cá nhân.
    AccountRestorePersonalAccess,
    /// Xem tài khoản cá nhân.
    AccountPersonalView,
    /// Đề nghị điều chuyển hồ sơ.
    MovementPropose,
    /// Tiếp nhận hồ sơ điều chuyển đến.
    MovementAccept,
    /// Từ chối tiếp nhận hồ sơ.
    MovementRefuse,
    /// Hủy quyết định điều chuyển.
    MovementCancel,
    /// Điều chuyển hồ sơ theo quyết định.
    MovementApply,
    /// An HR officer marked an alert as dealt with (the decision sent, the person told).
    AlertHandle,
    /// The mark was taken back: the alert is open again.
    AlertReopen,
    /// An HR officer attached a scan to an edit of their own.
    RecordAttach,
    /// A scan attached to a record's edit was read.
    RecordAttachmentRead,
    /// Ghi quyết định nghỉ hưu, thôi việc, từ trần, trở lại công tác.
    StatusDecide,
    /// Hủy quyết định thay đổi trạng thái chưa có hiệu lực.
    StatusCancel,
    /// Thay đổi trạng thái công tác theo quyết định đã có hiệu lực.
    StatusApply,
    /// Tạo đơn vị.
    OrgCreate,
    /// Thay đổi đơn vị.
    OrgChange,
    /// Sắp xếp tổ chức: sáp nhập, chia tách đơn vị.
    OrgReorganise,
    /// Cấp quyền.
    GrantCreate,
    /// Thu hẹp/mở rộng quyền.
    GrantChange,
    /// Thu hồi quyền.
    GrantRevoke,
    /// Sửa danh mục.
    CatalogPut,
    /// Ngừng dùng mục danh mục.
    CatalogRetire,
    /// Ghi lịch nghỉ lễ cả năm.
    HolidaysPutYear,
    /// Thêm ngày nghỉ, làm bù.
    HolidaysAddDay,
    /// Bỏ ngày nghỉ, làm bù.
    HolidaysRemoveDay,
    /// Tải lên mẫu văn bản.
    TemplatePut,
    /// Trả mẫu văn bản về mẫu có sẵn.
    TemplateReset,
    /// In văn bản (quyết định, thông báo, biên bản) từ mẫu.
    DocumentPrint,
    /// Tra cứu nhật ký.
    AuditSearch,
    /// Xem ai đã xem hồ sơ.
    AuditRecordReads,
    /// Xuất nhật ký.
    AuditExport,
    /// Xuất danh sách cán bộ.
    PersonsExport,
    /// Chạy (và xuất) một báo cáo trên dữ liệu tra cứu.
    ReportRun,
    /// Xuất danh sách cảnh báo.
    AlertsExport,
    /// Gửi thư tóm tắt cảnh báo.
    AlertsDigestSent,
    /// Xem báo cáo thực hiện thời hạn.
    DeadlineReportView,
    /// Xuất báo cáo thực hiện thời hạn.
    DeadlineReportExport,
    /// Xem chất lượng dữ liệu (Đúng, Đủ, Sạch, Sống).
    DataQualityView,
    /// Xuất chất lượng dữ liệu.
    DataQualityExport,
    /// Xem danh sách hồ sơ cần sửa theo một tiêu chí chất lượng dữ liệu.
    DataQualityRecords,
    /// Xem bản tổng hợp kiểm tra dữ liệu hằng tháng (LS Đ13.4).
    DataQualityMonthly,
    /// Lập phiếu bổ sung lý lịch.
    ChangeCreate,
    /// Lưu phiếu bổ sung lý lịch.
    ChangeSave,
    /// Gửi phiếu bổ sung lý lịch.
    ChangeSubmit,
    /// Rút phiếu bổ sung lý lịch.
    ChangeWithdraw,
    /// Xác thực phiếu bổ sung lý lịch.
    ChangeVerify,
    /// Trả lại phiếu bổ sung lý lịch.
    ChangeReturn,
    /// Xem phiếu bổ sung lý lịch.
    ChangeRead,
    /// Đính kèm giấy tờ.
    ChangeAttach,
    /// Bỏ giấy tờ đính kèm.
    ChangeDetach,
    /// Xem giấy tờ đính kèm.
    ChangeAttachmentRead,
    /// Lập lô phê duyệt.
    ApprovalPrepare,
    /// Ký duyệt.
    ApprovalSign,
    /// Ký duyệt bị từ chối.
    ApprovalSignRefused,
    /// Hủy lô phê duyệt.
    ApprovalAbandon,
    /// The head sent a record's verified versions back to HR before signing.
    ApprovalReturn,
    /// HR sent returned versions back to the approval queue unchanged.
    ApprovalResubmit,
    /// A periodic report recorded as sent (số văn bản, ngày gửi).
    ReportSubmissionRecord,
    /// A periodic report signed by the head of its unit (a verified digital signature).
    ReportSubmissionSign,
    /// A signature of a periodic report refused past the rights (signed already, no manifest, a
    /// signature that fails); a refusal on rights is audited as the attempt it was.
    ReportSubmissionSignRefused,
    /// A unit's payroll sheet of a month recorded (or recorded again).
    PayrollSheetRecord,
    /// A payroll sheet read: its lines are personal data.
    PayrollSheetRead,
    /// A payroll sheet downloaded as a file.
    PayrollSheetExport,
    /// The month's payroll sheets consolidated for the province.
    PayrollConsolidationRecord,
    /// A search or report saved, personal or shared with a unit.
    SavedSearchSave,
    /// A saved search deleted by its owner.
    SavedSearchDelete,
    /// Xoay khóa mã hóa.
    KeysRotate,
    /// Tạo cơ cấu tổ chức mẫu.
    DemoSeedTree,
    /// Tạo hồ sơ mẫu.
    DemoSeedPeople,
    /// Chạy lại việc nền.
    JobRetry,
    /// Hủy việc nền.
    JobCancel,
    /// Sao lưu dữ liệu.
    BackupCreate,
    /// Kiểm tra bản sao lưu (khôi phục thử).
    BackupVerify,
    /// Khôi phục dữ liệu từ bản sao lưu.
    BackupRestore,
    /// Xóa bản sao lưu hết hạn lưu giữ.
    BackupPrune,
}

impl AuditAction {
    /// Every action, in the order the audit page lists them.
    pub const ALL: &[AuditAction] = &[
        AuditAction::AuthLogin,
        AuditAction::AuthLoginFailed,
        AuditAction::AuthLoginRefusedLocked,
        AuditAction::AuthLogout,
        AuditAction::AuthSessionRevoke,
        AuditAction::AuthOidcRefused,
        AuditAction::RecordRead,
        AuditAction::RecordCreate,
        AuditAction::RecordUpdate,
        AuditAction::RecordExportPackage,
        AuditAction::RecordHandOver,
        AuditAction::RecordReceive,
        AuditAction::RecordReceiveConfirm,
        AuditAction::RecordHandoverReport,
        AuditAction::ImportDryRun,
        AuditAction::ImportRun,
        AuditAction::ImportBatch,
        AuditAction::ImportMappingSave,
        AuditAction::ImportMappingDelete,
        AuditAction::RecordPrint,
        AuditAction::RecordAccessGrant,
        AuditAction::RecordAccessRevoke,
        AuditAction::RecordAccessList,
        AuditAction::RecordAccessListShared,
        AuditAction::AccountCreate,
        AuditAction::AccountResetPassword,
        AuditAction::AccountChangePassword,
        AuditAction::AccountTotpStart,
        AuditAction::AccountTotpEnable,
        AuditAction::AccountResetTotp,
        AuditAction::AccountRevokePersonalAccess,
        AuditAction::AccountEmail,
        AuditAction::AccountCreatePersonal,
        AuditAction::AccountIssueActivation,
        AuditAction::AccountIssueActivationUnit,
        AuditAction::AccountActivate,
        AuditAction::AccountRestorePersonalAccess,
        AuditAction::AccountPersonalView,
        AuditAction::MovementPropose,
        AuditAction::MovementAccept,
        AuditAction::MovementRefuse,
        AuditAction::MovementCancel,
        AuditAction::MovementApply,
        AuditAction::AlertHandle,
        AuditAction::AlertReopen,
        AuditAction::RecordAttach,
        AuditAction::RecordAttachmentRead,
        AuditAction::StatusDecide,
        AuditAction::StatusCancel,
        AuditAction::StatusApply,
        AuditAction::OrgCreate,
        AuditAction::OrgChange,
        AuditAction::OrgReorganise,
        AuditAction::GrantCreate,
        AuditAction::GrantChange,
        AuditAction::GrantRevoke,
        AuditAction::CatalogPut,
        AuditAction::CatalogRetire,
        AuditAction::HolidaysPutYear,
        AuditAction::HolidaysAddDay,
        AuditAction::HolidaysRemoveDay,
        AuditAction::TemplatePut,
        AuditAction::TemplateReset,
        AuditAction::DocumentPrint,
        AuditAction::AuditSearch,
        AuditAction::AuditRecordReads,
        AuditAction::AuditExport,
        AuditAction::PersonsExport,
        AuditAction::ReportRun,
        AuditAction::AlertsExport,
        AuditAction::AlertsDigestSent,
        AuditAction::DeadlineReportView,
        AuditAction::DeadlineReportExport,
        AuditAction::DataQualityView,
        AuditAction::DataQualityExport,
        AuditAction::DataQualityRecords,
        AuditAction::DataQualityMonthly,
        AuditAction::ChangeCreate,
        AuditAction::ChangeSave,
        AuditAction::ChangeSubmit,
        AuditAction::ChangeWithdraw,
        AuditAction::ChangeVerify,
        AuditAction::ChangeReturn,
        AuditAction::ChangeRead,
        AuditAction::ChangeAttach,
        AuditAction::ChangeDetach,
        AuditAction::ChangeAttachmentRead,
        AuditAction::ApprovalPrepare,
        AuditAction::ApprovalSign,
        AuditAction::ApprovalSignRefused,
        AuditAction::ApprovalAbandon,
        AuditAction::ApprovalReturn,
        AuditAction::ApprovalResubmit,
        AuditAction::ReportSubmissionRecord,
        AuditAction::ReportSubmissionSign,
        AuditAction::ReportSubmissionSignRefused,
        AuditAction::PayrollSheetRecord,
        AuditAction::PayrollSheetRead,
        AuditAction::PayrollSheetExport,
        AuditAction::PayrollConsolidationRecord,
        AuditAction::SavedSearchSave,
        AuditAction::SavedSearchDelete,
        AuditAction::KeysRotate,
        AuditAction::DemoSeedTree,
        AuditAction::DemoSeedPeople,
        AuditAction::JobRetry,
        AuditAction::JobCancel,
        AuditAction::BackupCreate,
        AuditAction::BackupVerify,
        AuditAction::BackupRestore,
        AuditAction::BackupPrune,
    ];

    /// The code stored in the trail (`record.read`).
    pub const fn code(self) -> &'static str {
        match self {
            AuditAction::AuthLogin => "auth.login",
            AuditAction::AuthLoginFailed => "auth.login_failed",
            AuditAction::AuthLoginRefusedLocked => "auth.login_refused_locked",
            AuditAction::AuthLogout => "auth.logout",
            AuditAction::AuthSessionRevoke => "auth.session_revoke",
            AuditAction::AuthOidcRefused => "auth.oidc_refused",
            AuditAction::RecordRead => "record.read",
            AuditAction::RecordCreate => "record.create",
            AuditAction::RecordUpdate => "record.update",
            AuditAction::RecordExportPackage => "record.export_package",
            AuditAction::RecordHandOver => "record.hand_over",
            AuditAction::RecordReceive => "record.receive",
            AuditAction::RecordReceiveConfirm => "record.receive_confirm",
            AuditAction::RecordHandoverReport => "record.handover_report",
            AuditAction::ImportDryRun => "import.dry_run",
            AuditAction::ImportRun => "import.run",
            AuditAction::ImportBatch => "import.batch",
            AuditAction::ImportMappingSave => "import.mapping_save",
            AuditAction::ImportMappingDelete => "import.mapping_delete",
            AuditAction::RecordPrint => "record.print",
            AuditAction::RecordAccessGrant => "record_access.grant",
            AuditAction::RecordAccessRevoke => "record_access.revoke",
            AuditAction::RecordAccessList => "record_access.list",
            AuditAction::RecordAccessListShared => "record_access.list_shared",
            AuditAction::AccountCreate => "account.create",
            AuditAction::AccountResetPassword => "account.reset_password",
            AuditAction::AccountChangePassword => "account.change_password",
            AuditAction::AccountTotpStart => "account.totp_start",
            AuditAction::AccountTotpEnable => "account.totp_enable",
            AuditAction::AccountResetTotp => "account.reset_totp",
            AuditAction::AccountRevokePersonalAccess => "account.revoke_personal_access",
            AuditAction::AccountEmail => "account.email",
            AuditAction::AccountCreatePersonal => "account.create_personal",
            AuditAction::AccountIssueActivation => "account.issue_activation",
            AuditAction::AccountIssueActivationUnit => "account.issue_activation_unit",
            AuditAction::AccountActivate => "account.activate",
            AuditAction::AccountRestorePersonalAccess => "account.restore_personal_access",
            AuditAction::AccountPersonalView => "account.personal_view",
            AuditAction::MovementPropose => "movement.propose",
            AuditAction::MovementAccept => "movement.accept",
            AuditAction::MovementRefuse => "movement.refuse",
            AuditAction::MovementCancel => "movement.cancel",
            AuditAction::MovementApply => "movement.apply",
            AuditAction::AlertHandle => "alert.handle",
            AuditAction::AlertReopen => "alert.reopen",
            AuditAction::RecordAttach => "record.attach",
            AuditAction::RecordAttachmentRead => "record.attachment_read",
            AuditAction::StatusDecide => "status.decide",
            AuditAction::StatusCancel => "status.cancel",
            AuditAction::StatusApply => "status.apply",
            AuditAction::OrgCreate => "org.create",
            AuditAction::OrgChange => "org.change",
            AuditAction::OrgReorganise => "org.reorganise",
            AuditAction::GrantCreate => "grant.create",
            AuditAction::GrantChange => "grant.change",
            AuditAction::GrantRevoke => "grant.revoke",
            AuditAction::CatalogPut => "catalog.put",
            AuditAction::CatalogRetire => "catalog.retire",
            AuditAction::HolidaysPutYear => "holidays.put_year",
            AuditAction::HolidaysAddDay => "holidays.add_day",
            AuditAction::HolidaysRemoveDay => "holidays.remove_day",
            AuditAction::TemplatePut => "document_template.put",
            AuditAction::TemplateReset => "document_template.reset",
            AuditAction::DocumentPrint => "document.print",
            AuditAction::AuditSearch => "audit.search",
            AuditAction::AuditRecordReads => "audit.record_reads",
            AuditAction::AuditExport => "audit.export",
            AuditAction::PersonsExport => "persons.export",
            AuditAction::ReportRun => "report.run",
            AuditAction::AlertsExport => "alerts.export",
            AuditAction::AlertsDigestSent => "alerts.digest_sent",
            AuditAction::DeadlineReportView => "deadline_report.view",
            AuditAction::DeadlineReportExport => "deadline_report.export",
            AuditAction::DataQualityView => "data_quality.view",
            AuditAction::DataQualityExport => "data_quality.export",
            AuditAction::DataQualityRecords => "data_quality.records",
            AuditAction::DataQualityMonthly => "data_quality.monthly",
            AuditAction::ChangeCreate => "change.create",
            AuditAction::ChangeSave => "change.save",
            AuditAction::ChangeSubmit => "change.submit",
            AuditAction::ChangeWithdraw => "change.withdraw",
            AuditAction::ChangeVerify => "change.verify",
            AuditAction::ChangeReturn => "change.return",
            AuditAction::ChangeRead => "change.read",
            AuditAction::ChangeAttach => "change.attach",
            AuditAction::ChangeDetach => "change.detach",
            AuditAction::ChangeAttachmentRead => "change.attachment_read",
            AuditAction::ApprovalPrepare => "approval.prepare",
            AuditAction::ApprovalSign => "approval.sign",
            AuditAction::ApprovalSignRefused => "approval.sign_refused",
            AuditAction::ApprovalAbandon => "approval.abandon",
            AuditAction::ApprovalReturn => "approval.return",
            AuditAction::ApprovalResubmit => "approval.resubmit",
            AuditAction::ReportSubmissionRecord => "report.submission_record",
            AuditAction::ReportSubmissionSign => "report.submission_sign",
            AuditAction::ReportSubmissionSignRefused => "report.submission_sign_refused",
            AuditAction::PayrollSheetRecord => "payroll.sheet_record",
            AuditAction::PayrollSheetRead => "payroll.sheet_read",
            AuditAction::PayrollSheetExport => "payroll.sheet_export",
            AuditAction::PayrollConsolidationRecord => "payroll.consolidation_record",
            AuditAction::SavedSearchSave => "saved_search.save",
            AuditAction::SavedSearchDelete => "saved_search.delete",
            AuditAction::KeysRotate => "keys.rotate",
            AuditAction::DemoSeedTree => "demo.seed_tree",
            AuditAction::DemoSeedPeople => "demo.seed_people",
            AuditAction::JobRetry => "job.retry",
            AuditAction::JobCancel => "job.cancel",
            AuditAction::BackupCreate => "backup.create",
            AuditAction::BackupVerify => "backup.verify",
            AuditAction::BackupRestore => "backup.restore",
            AuditAction::BackupPrune => "backup.prune",
        }
    }

    /// The action as a person reads it.
    pub const fn label_vi(self) -> &'static str {
        match self {
            AuditAction::AuthLogin => "Đăng nhập",
            AuditAction::AuthLoginFailed => "Đăng nhập sai",
            AuditAction::AuthLoginRefusedLocked => "Đăng nhập khi tài khoản bị khóa",
            AuditAction::AuthLogout => "Đăng xuất",
            AuditAction::AuthSessionRevoke => "Kết thúc phiên",
            AuditAction::AuthOidcRefused => {
                "Đăng nhập qua hệ thống tài khoản dùng chung bị từ chối"
            }
            AuditAction::RecordRead => "Xem hồ sơ",
            AuditAction::RecordCreate => "Tạo hồ sơ",
            AuditAction::RecordUpdate => "Sửa hồ sơ",
            AuditAction::RecordExportPackage => "Xuất gói hồ sơ đã ký",
            AuditAction::RecordHandOver => "Bàn giao hồ sơ ra ngoài tỉnh",
            AuditAction::RecordReceive => "Tiếp nhận hồ sơ từ ngoài tỉnh",
            AuditAction::RecordReceiveConfirm => "Xác nhận hồ sơ tiếp nhận từ ngoài tỉnh",
            AuditAction::RecordHandoverReport => {
                "Ghi nhận đã báo cáo Sở Nội vụ về người chuyển đến, chuyển đi"
            }
            AuditAction::ImportDryRun => "Kiểm tra tệp nhập dữ liệu",
            AuditAction::ImportRun => "Nhập dữ liệu từ tệp",
            AuditAction::ImportBatch => "Ghi lô hồ sơ nhập từ tệp",
            AuditAction::ImportMappingSave => "Lưu cách ghép cột nhập dữ liệu",
            AuditAction::ImportMappingDelete => "Xóa cách ghép cột nhập dữ liệu",
            AuditAction::RecordPrint => "In sơ yếu lý lịch",
            AuditAction::RecordAccessGrant => "Cấp quyền xem hồ sơ ngoài phạm vi",
            AuditAction::RecordAccessRevoke => "Thu hồi quyền xem hồ sơ ngoài phạm vi",
            AuditAction::RecordAccessList => "Xem danh sách quyền xem hồ sơ",
            AuditAction::RecordAccessListShared => "Xem danh sách hồ sơ được chia sẻ",
            AuditAction::AccountCreate => "Tạo tài khoản",
            AuditAction::AccountResetPassword => "Đặt lại mật khẩu",
            AuditAction::AccountChangePassword => "Đổi mật khẩu",
            AuditAction::AccountTotpStart => "Bắt đầu đăng ký xác thực hai lớp",
            AuditAction::AccountTotpEnable => "Bật xác thực hai lớp",
            AuditAction::AccountResetTotp => "Đặt lại xác thực hai lớp",
            AuditAction::AccountRevokePersonalAccess => "Chấm dứt quyền cá nhân",
            AuditAction::AccountEmail => "Đổi thư điện tử",
            AuditAction::AccountCreatePersonal => "Tạo tài khoản cá nhân",
            AuditAction::AccountIssueActivation => "Cấp mã kích hoạt tài khoản cá nhân",
            AuditAction::AccountIssueActivationUnit => "Cấp tài khoản cá nhân cho cả đơn vị",
            AuditAction::AccountActivate => "Kích hoạt tài khoản cá nhân",
            AuditAction::AccountRestorePersonalAccess => "Khôi phục quyền cá nhân",
            AuditAction::AccountPersonalView => "Xem tài khoản cá nhân",
            AuditAction::MovementPropose => "Đề nghị điều chuyển hồ sơ",
            AuditAction::MovementAccept => "Tiếp nhận hồ sơ điều chuyển đến",
            AuditAction::MovementRefuse => "Từ chối tiếp nhận hồ sơ",
            AuditAction::MovementCancel => "Hủy quyết định điều chuyển",
            AuditAction::MovementApply => "Điều chuyển hồ sơ theo quyết định",
            AuditAction::AlertHandle => "Đánh dấu cảnh báo đã xử lý",
            AuditAction::AlertReopen => "Bỏ đánh dấu cảnh báo đã xử lý",
            AuditAction::RecordAttach => "Đính kèm bản quét vào lần sửa hồ sơ",
            AuditAction::RecordAttachmentRead => "Xem bản quét của lần sửa hồ sơ",
            AuditAction::StatusDecide => "Ghi quyết định thay đổi trạng thái công tác",
            AuditAction::StatusCancel => "Hủy quyết định thay đổi trạng thái công tác",
            AuditAction::StatusApply => "Thay đổi trạng thái công tác theo quyết định",
            AuditAction::OrgCreate => "Tạo đơn vị",
            AuditAction::OrgChange => "Thay đổi đơn vị",
            AuditAction::OrgReorganise => "Sắp xếp tổ chức (sáp nhập, chia tách đơn vị)",
            AuditAction::GrantCreate => "Cấp quyền",
            AuditAction::GrantChange => "Thu hẹp/mở rộng quyền",
            AuditAction::GrantRevoke => "Thu hồi quyền",
            AuditAction::CatalogPut => "Sửa danh mục",
            AuditAction::CatalogRetire => "Ngừng dùng mục danh mục",
            AuditAction::HolidaysPutYear => "Ghi lịch nghỉ lễ cả năm",
            AuditAction::HolidaysAddDay => "Thêm ngày nghỉ, làm bù",
            AuditAction::HolidaysRemoveDay => "Bỏ ngày nghỉ, làm bù",
            AuditAction::TemplatePut => "Tải lên mẫu văn bản",
            AuditAction::TemplateReset => "Trả mẫu văn bản về mẫu có sẵn",
            AuditAction::DocumentPrint => "In văn bản từ mẫu",
            AuditAction::AuditSearch => "Tra cứu nhật ký",
            AuditAction::AuditRecordReads => "Xem ai đã xem hồ sơ",
            AuditAction::AuditExport => "Xuất nhật ký",
            AuditAction::PersonsExport => "Xuất danh sách cán bộ",
            AuditAction::ReportRun => "Chạy báo cáo",
            AuditAction::AlertsExport => "Xuất danh sách cảnh báo",
            AuditAction::AlertsDigestSent => "Gửi thư tóm tắt cảnh báo",
            AuditAction::DeadlineReportView => "Xem báo cáo thực hiện thời hạn",
            AuditAction::DeadlineReportExport => "Xuất báo cáo thực hiện thời hạn",
            AuditAction::DataQualityView => "Xem chất lượng dữ liệu",
            AuditAction::DataQualityExport => "Xuất chất lượng dữ liệu",
            AuditAction::DataQualityRecords => "Xem hồ sơ cần sửa (chất lượng dữ liệu)",
            AuditAction::DataQualityMonthly => "Xem tổng hợp kiểm tra dữ liệu hằng tháng",
            AuditAction::ChangeCreate => "Lập phiếu bổ sung lý lịch",
            AuditAction::ChangeSave => "Lưu phiếu bổ sung lý lịch",
            AuditAction::ChangeSubmit => "Gửi phiếu bổ sung lý lịch",
            AuditAction::ChangeWithdraw => "Rút phiếu bổ sung lý lịch",
            AuditAction::ChangeVerify => "Xác thực phiếu bổ sung lý lịch",
            AuditAction::ChangeReturn => "Trả lại phiếu bổ sung lý lịch",
            AuditAction::ChangeRead => "Xem phiếu bổ sung lý lịch",
            AuditAction::ChangeAttach => "Đính kèm giấy tờ",
            AuditAction::ChangeDetach => "Bỏ giấy tờ đính kèm",
            AuditAction::ChangeAttachmentRead => "Xem giấy tờ đính kèm",
            AuditAction::ApprovalPrepare => "Lập lô phê duyệt",
            AuditAction::ApprovalSign => "Ký duyệt",
            AuditAction::ApprovalSignRefused => "Ký duyệt bị từ chối",
            AuditAction::ApprovalAbandon => "Hủy lô phê duyệt",
            AuditAction::ApprovalReturn => "Lãnh đạo trả lại hồ sơ trước khi ký",
            AuditAction::ApprovalResubmit => "Gửi lại hồ sơ để phê duyệt",
            AuditAction::ReportSubmissionRecord => "Ghi nhận đã gửi báo cáo định kỳ",
            AuditAction::ReportSubmissionSign => "Lãnh đạo ký số báo cáo định kỳ",
            AuditAction::ReportSubmissionSignRefused => "Từ chối ký số báo cáo định kỳ",
            AuditAction::PayrollSheetRecord => "Lập bảng lương tháng",
            AuditAction::PayrollSheetRead => "Xem bảng lương",
            AuditAction::PayrollSheetExport => "Tải bảng lương",
            AuditAction::PayrollConsolidationRecord => "Tổng hợp bảng lương toàn tỉnh",
            AuditAction::SavedSearchSave => "Lưu tìm kiếm, báo cáo",
            AuditAction::SavedSearchDelete => "Xóa tìm kiếm, báo cáo đã lưu",
            AuditAction::KeysRotate => "Xoay khóa mã hóa",
            AuditAction::DemoSeedTree => "Tạo cơ cấu tổ chức mẫu",
            AuditAction::DemoSeedPeople => "Tạo hồ sơ mẫu",
            AuditAction::JobRetry => "Chạy lại việc nền",
            AuditAction::JobCancel => "Hủy việc nền",
            AuditAction::BackupCreate => "Sao lưu dữ liệu",
            AuditAction::BackupVerify => "Kiểm tra bản sao lưu",
            AuditAction::BackupRestore => "Khôi phục từ bản sao lưu",
            AuditAction::BackupPrune => "Xóa bản sao lưu hết hạn",
        }
    }

    /// The code of a refusal of this action (`account.change_password.refused`).
    pub fn refused_code(self) -> String {
        format!("{}.refused", self.code())
    }

    pub fn from_code(code: &str) -> Option<AuditAction> {
        AuditAction::ALL.iter().copied().find(|a| a.code() == code)
    }

    /// The Vietnamese name of a stored code, refusals included; an unknown code (written by
    /// an older version) is shown as stored.
    pub fn describe(code: &str) -> String {
        if let Some(base) = code.strip_suffix(".refused") {
            let name = match AuditAction::from_code(base) {
                Some(action) => action.label_vi(),
                None => base,
            };
            return format!("{name} (bị từ chối)");
        }
        AuditAction::from_code(code).map_or_else(|| code.to_string(), |a| a.label_vi().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_labels_are_unique_and_round_trip() {
        let codes: HashSet<_> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        let labels: HashSet<_> = AuditAction::ALL.iter().map(|a| a.label_vi()).collect();
        assert_eq!(codes.len(), AuditAction::ALL.len());
        assert_eq!(labels.len(), AuditAction::ALL.len());
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(a.code()), Some(*a));
            assert!(
                !a.code().ends_with(".refused"),
                "{a:?}: refusals are derived"
            );
        }
    }

    #[test]
    fn refusals_and_unknown_codes_are_described() {
        assert_eq!(AuditAction::describe("record.read"), "Xem hồ sơ");
        assert_eq!(
            AuditAction::describe(&AuditAction::AccountChangePassword.refused_code()),
            "Đổi mật khẩu (bị từ chối)"
        );
        assert_eq!(AuditAction::describe("old.action"), "old.action");
        assert_eq!(
            AuditAction::describe("old.action.refused"),
            "old.action (bị từ chối)"
        );
    }
}
