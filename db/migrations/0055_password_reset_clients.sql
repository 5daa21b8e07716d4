-- Password-reset requests are limited per account *and requesting client* (ADR 0005 addendum "Reset
-- requests counted per client"): 3 codes an hour an account from one client, 10 an hour from all, so a
-- stranger who knows a login can no longer use up its owner's reset requests for an hour. The client (an
-- IPv4 address, or an IPv6 /64) is kept only as a keyed hash (HMAC kind `client_address`) and goes with the
-- row when it is purged (two days). Rows of before have none (they count in the total only).
alter table password_resets add column client_hash text;
