-- Delivery failures the administrator can read (issue 12 §5; GET /api/admin/deliveries): which
-- sender last tried a message (smtp, aliyun, tencent, development, webhook), when, and the
-- remote service's own code for its refusal (isv.MOBILE_NUMBER_ILLEGAL,
-- LimitExceeded.PhoneNumberDailyLimit, ...) beside the scrubbed last_error. Codes are the
-- gateways' identifiers, never personal data: the shape check keeps free text out.
alter table outbox add column provider text;
alter table outbox add column last_error_code text;
alter table outbox add column last_attempt_at timestamptz;
alter table outbox add constraint outbox_last_error_code_shape check (last_error_code ~ '^[A-Za-z0-9._-]{1,100}$');
alter table outbox add constraint outbox_provider_shape check (provider ~ '^[a-z0-9_-]{1,32}$');
create index outbox_failures on outbox (id desc) where status = 'dead' or last_error_code is not null;
