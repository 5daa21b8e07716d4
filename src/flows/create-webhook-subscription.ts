// A relying party (access provider, distribution platform, device maker) subscribes a webhook
// for changes to filings it has checked (issue 5, item 5). The signing secret is returned once
// and kept sealed (it must be read back to sign deliveries). At most WEBHOOKS_PER_ORGANISATION.
import { randomBytes } from 'node:crypto';
import type { Actor } from '../domain/actors.ts';
import { NamedError } from '../domain/errors.ts';
import { validateWebhookUrl, type WebhookUrlOptions } from '../domain/webhook-url.ts';
import type { FlowContext } from './context.ts';
import { recordHistory } from './history.ts';

export const WEBHOOKS_PER_ORGANISATION = 10;

export interface CreatedWebhook { id: string; url: string; secret: string; createdAt: Date }

/** `options.allowLoopback`: the deployment's WEBHOOKS_ALLOW_LOOPBACK. */
export async function createWebhookSubscription(ctx: FlowContext, actor: Actor, input: { url: string }, options: WebhookUrlOptions = {}): Promise<CreatedWebhook> {
  if (!actor.orgId) throw new Error('createWebhookSubscription needs an actor with an organisation');
  const url = validateWebhookUrl(input.url, options);
  if (!url.ok) throw new NamedError(url.error.code, 'invalid', url.error.message, [{ field: 'url', ...url.error }]);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    // Serialises concurrent subscriptions of one organisation so the limit holds.
    await tx.query('select id from organisations where id = $1 for update', [actor.orgId]);
    const [count] = await tx.query<{ n: number }>(
      'select count(*)::int as n from webhook_subscriptions where organisation_id = $1 and deleted_at is null', [actor.orgId]);
    // One subscription per URL: a second would deliver every event twice, under two secrets.
    const [same] = await tx.query<{ id: string }>(
      'select id from webhook_subscriptions where organisation_id = $1 and url = $2 and deleted_at is null', [actor.orgId, url.value]);
    if (same) {
      throw new NamedError('webhook_url_taken', 'conflict', 'your organisation already has a webhook for this URL; delete it first to get a new secret',
        [{ field: 'url', code: 'webhook_url_taken', message: `webhook ${same.id} already delivers here` }]);
    }
    if (count!.n >= WEBHOOKS_PER_ORGANISATION) {
      throw new NamedError('webhook_limit_reached', 'conflict', `an organisation has at most ${WEBHOOKS_PER_ORGANISATION} webhooks; delete one first`);
    }
    const [row] = await tx.query<{ id: string }>(
      `insert into webhook_subscriptions (organisation_id, url, secret_enc, created_by_user_id, created_by_key_id, created_at)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [actor.orgId, url.value, ctx.sealer.seal(secret), actor.userId, actor.apiKeyId ?? null, now],
    );
    await recordHistory(tx, actor, { entityType: 'organisation', entityId: actor.orgId!, action: 'webhook_subscribed', reason: { webhookId: row!.id, url: url.value } }, now);
    return { id: row!.id, url: url.value, secret, createdAt: now };
  });
}
