-- The organisation's webhook page in the console (ADR 0006, addendum "The console's webhook page"):
-- staff see each webhook's recent deliveries, the answer its endpoint gave and how many failed in a row.
--
-- response_status: the HTTP status the endpoint answered at the delivery's last attempt (webhooks
-- only; null when no answer came — a refused address, a timeout, a connection error — or before any
-- attempt). last_error says the same in words for failures; a 2xx was not recorded at all before.
alter table outbox add column response_status smallint check (response_status between 100 and 599);

-- A webhook's deliveries, newest first, without reading every webhook row of the outbox: the
-- console's list pages through them, and its webhook list reads each one's latest delivery and
-- failures since the last success.
create index outbox_webhook_subscription on outbox ((payload ->> 'subscriptionId'), id desc) where channel = 'webhook';
