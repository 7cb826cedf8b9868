-- The list with pay of mẫu BM03/BNV (danh sách và tiền lương: thời gian giữ ngạch, phụ cấp
-- chức vụ, phụ cấp thâm niên vượt khung): the schema projects the three into `persons`.
ALTER TABLE persons ADD COLUMN rank_appointment_date TEXT;
ALTER TABLE persons ADD COLUMN beyond_scale_percent BIGINT;
ALTER TABLE persons ADD COLUMN position_allowance BIGINT;
