// Every state change of an application notifies the host and the submitting organisation
// (issue 3, item 7): an in-app notice for each, an email to the host and to the
// organisation's contact address, and for outcomes an SMS to the host's mobile. Called by
// flows inside their transaction, so the notices commit or roll back with the change
// (house rule 5); the outbox worker sends them after commit.
import type { Queryable } from '../db/connection.ts';
import type { Sealer } from '../db/personal-data.ts';
import type { ApplicationType } from '../domain/lifecycle.ts';
import { enqueueEmail, enqueueSms } from './outbox.ts';
import { insertNotification } from './record-notices.ts';
import {
  type ApplicationEvent, type Audience, type NoticeData, renderApplicationNotice, type RenderedNotice, type ServiceType,
} from './templates.ts';

export interface ApplicationNoticeInput {
  applicationId: string;
  event: ApplicationEvent;
  data?: NoticeData;
  /** The system's public base URL (config.publicUrl): links and the approval's record page. */
  publicUrl: string;
  /** The flow's clock (house rule 8) for the in-app notices' created_at; the database clock when absent. */
  at?: Date;
}

export interface NoticeCounts { notifications: number; emails: number; sms: number }

interface Recipients {
  id: string;
  host_user_id: string;
  submitter_org_id: string | null;
  application_type: ApplicationType;
  service_name: string | null;
  /** A change's filed record's name now (the service's, or the subject's for a subject change). */
  filed_name: string | null;
  service_type: ServiceType;
  host_email_enc: string | null;
  host_mobile_enc: string | null;
  org_name: string | null;
  org_email_enc: string | null;
  bureau_name: string | null;
  province_name_en: string | null;
}

async function loadRecipients(tx: Queryable, applicationId: string): Promise<Recipients> {
  const [row] = await tx.query<Recipients>(
    `select a.id, a.host_user_id, a.submitter_org_id, a.application_type, a.service_name, a.service_type,
            case when a.service_id is null then (select name from subjects where id = a.subject_id)
                 else (select name from services where id = a.service_id) end as filed_name,
            u.email_enc as host_email_enc, u.mobile_enc as host_mobile_enc,
            o.name as org_name, o.contact_email_enc as org_email_enc, p.bureau_name, p.name_en as province_name_en
       from applications a
       join users u on u.id = a.host_user_id
       left join organisations o on o.id = a.submitter_org_id
       left join provinces p on p.code = a.province_code
      where a.id = $1`,
    [applicationId],
  );
  if (!row) throw new Error(`application ${applicationId} not found for notice`);
  return row;
}

async function inApp(tx: Queryable, r: Recipients, input: ApplicationNoticeInput, target: { userId: string } | { orgId: string }, n: RenderedNotice) {
  await insertNotification(tx, { ...'userId' in target ? { userId: target.userId } : { organisationId: target.orgId }, applicationId: r.id },
    { event: input.event, title: n.title, body: n.body, texts: n.texts, at: input.at ?? null });
}

/** Writes the in-app notices and queues the emails and SMS for one application event. */
export async function noticeApplicationEvent(tx: Queryable, sealer: Sealer, input: ApplicationNoticeInput): Promise<NoticeCounts> {
  const r = await loadRecipients(tx, input.applicationId);
  const render = (audience: Audience) => renderApplicationNotice({
    event: input.event, audience, applicationId: r.id, applicationType: r.application_type, serviceType: r.service_type, serviceName: r.service_name, filedName: r.filed_name,
    organisationName: r.org_name, bureauName: r.bureau_name, provinceNameEn: r.province_name_en, publicUrl: input.publicUrl, data: input.data ?? {},
  });
  const counts: NoticeCounts = { notifications: 0, emails: 0, sms: 0 };
  const tag = { tag: input.event };

  const host = render('host');
  await inApp(tx, r, input, { userId: r.host_user_id }, host);
  counts.notifications++;
  if (r.host_email_enc) {
    await enqueueEmail(tx, sealer, { to: sealer.open(r.host_email_enc), subject: host.subject, text: host.text }, tag);
    counts.emails++;
  }
  if (host.sms && host.smsTemplate && r.host_mobile_enc) {
    await enqueueSms(tx, sealer, { mobile: sealer.open(r.host_mobile_enc), text: host.sms, template: host.smsTemplate }, tag);
    counts.sms++;
  }

  if (r.submitter_org_id) {
    const org = render('organisation');
    await inApp(tx, r, input, { orgId: r.submitter_org_id }, org);
    counts.notifications++;
    if (r.org_email_enc) {
      await enqueueEmail(tx, sealer, { to: sealer.open(r.org_email_enc), subject: org.subject, text: org.text }, tag);
      counts.emails++;
    }
  }
  return counts;
}
