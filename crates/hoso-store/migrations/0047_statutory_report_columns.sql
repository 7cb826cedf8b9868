-- Statutory reports count party members (BM01/BNV "Đảng viên") and the state-management
-- training level (BM01/BNV "Quản lý nhà nước"): the schema projects both into `persons`.
ALTER TABLE persons ADD COLUMN party_admission_date TEXT;
ALTER TABLE persons ADD COLUMN state_management TEXT;
