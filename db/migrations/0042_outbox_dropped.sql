-- A webhook delivery whose subscription no longer stands when it is due — deleted, or its
-- organisation suspended — is `dropped`: never sent, never retried (src/notify/worker.ts). It is
-- not a failure (the administrator's deliveries page lists retrying and dead rows only), and it
-- must not look sent: a withdrawn URL was told nothing, and no body was signed with a deleted secret.
alter table outbox drop constraint outbox_status_check;
alter table outbox add constraint outbox_status_check check (status in ('pending', 'sent', 'dead', 'dropped'));
