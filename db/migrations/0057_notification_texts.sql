-- In-app notices in the reader's language (docs/notifications.md "The console's notices"): `title` and
-- `body` keep the bilingual text the email carries (zh-CN first, English after), and `texts` holds each
-- language apart, {"zh": {"title", "body"}, "en": {"title", "body"}}, which the web app shows in its own
-- language. Rows written before have none (null): the app shows their bilingual text as it always did.
alter table notifications add column texts jsonb;
