-- In-app notices (every state change notifies the host and the submitting organisation),
-- and an organisation's contact email for notices by email.
alter table organisations add column contact_email_enc text;

create table notifications (
  id              bigserial primary key,
  user_id         uuid references users (id),
  organisation_id uuid references organisations (id),
  application_id  uuid references applications (id),
  event           text not null,
  title           text not null,
  body            text not null,
  created_at      timestamptz not null default now(),
  read_at         timestamptz,
  check (user_id is not null or organisation_id is not null)
);
create index notifications_user on notifications (user_id, id desc);
create index notifications_org on notifications (organisation_id, id desc);
