// An organisation in scope submits its catalogue to a campaign (issue 14, contract 2): the
// lines arrive as a stream and are matched a batch at a time with the verification API's own
// matcher (the same identity cache and judge), a few batches ahead of the one whose findings are
// being written, so a million lines take constant memory and the database's round trips overlap. A bad
// line is recorded with its number and the rest goes on. The upload's findings stay invisible
// until it completes; then, in one transaction, it becomes the organisation's current
// catalogue for the campaign and the previous one is replaced (nothing counted twice).
// No transaction spans the upload: on PGlite one would block every other request.
import type { Queryable } from '../../db/connection.ts';
import type { Actor } from '../../domain/actors.ts';
import { chinaDate } from '../../domain/china-time.ts';
import { NamedError } from '../../domain/errors.ts';
import { type CatalogueLine, type CsvHeader, type LineProblem, type LineResult, parseCsvHeader, parseCsvLine, parseNdjsonLine } from '../../domain/supervision/catalogue.ts';
import { emptyCounts, isFinding, lineOutcome, type OutcomeCounts } from '../../domain/supervision/findings.ts';
import type { Judgement, ParsedItem, RegisteredIdentity } from '../../domain/verification.ts';
import type { FlowContext } from '../context.ts';
import { recordHistory } from '../history.ts';
import { isOrgStaff, loadCampaign, NotFoundError, orgFacts } from './scope.ts';

/** The verification matcher: facts and judgement for parsed items, in order. */
export type Matcher = (items: readonly ParsedItem[]) => Promise<{ identity: RegisteredIdentity | null; judgement: Judgement }[]>;

export type StreamLine = { n: number; text: string } | { n: number; tooLong: true };

export interface CatalogueUpload {
  format: 'ndjson' | 'csv';
  lines: AsyncIterable<StreamLine>;
  /** The SHA-256 (hex) and size of every byte read, once the lines are exhausted. */
  digest(): { sha256: string; bytes: number };
}

export const CATALOGUE_BATCH_LINES = 1_000;
/** Batches being matched while the oldest one's findings are written. */
export const MATCH_AHEAD = 3;
/** Rejected lines kept per submission (all are counted; the first ones are listed). */
export const LINE_ERRORS_KEPT = 1_000;
/** Rejected lines listed in the answer. */
export const LINE_ERRORS_ANSWERED = 100;

export interface CatalogueResult {
  submissionId: string;
  digest: string;
  received: number;
  accepted: number;
  rejected: number;
  findings: OutcomeCounts;
  errors: { line: number; field: string; code: string; message: string }[];
}

export class CsvHeaderError extends NamedError {
  constructor(p: LineProblem) { super('catalogue_header_invalid', 'invalid', p.message, [{ field: 'header', code: p.code, message: p.message }]); }
}

interface Totals { received: number; accepted: number; rejected: number; counts: OutcomeCounts; errors: CatalogueResult['errors']; kept: number }

export async function submitCatalogue(ctx: FlowContext, actor: Actor, match: Matcher, campaignId: string, upload: CatalogueUpload): Promise<CatalogueResult> {
  if (!isOrgStaff(actor)) throw new NotFoundError('campaign', campaignId);
  const org = await orgFacts(ctx.db, actor);
  const campaign = await loadCampaign(ctx.db, actor, campaignId, org);
  const started = ctx.now();
  // Ended early by the bureau (migration 0046): no catalogue from that day on.
  if (campaign.ended_on) throw new NamedError('campaign_ended', 'conflict', `the campaign was ended on ${campaign.ended_on}`);
  if (chinaDate(started) > campaign.ends_on) throw new NamedError('campaign_ended', 'conflict', `the campaign ended on ${campaign.ends_on}`);
  // A CSV's header is read before anything is written: a catalogue refused for its header leaves no trace
  // (a submission that fails later, mid-stream, is kept as 'failed' with no findings).
  const lines = upload.lines[Symbol.asyncIterator]();
  let header: CsvHeader | null = null;
  if (upload.format === 'csv') {
    const first = await lines.next();
    if (first.done) throw new CsvHeaderError({ field: 'header', code: 'csv_header_missing', message: 'the catalogue is empty: the first row names the columns' });
    const h = 'tooLong' in first.value ? { ok: false as const, problem: { field: 'header', code: 'line_too_long', message: 'the header row is too long' } } : parseCsvHeader(first.value.text);
    if (!h.ok) {
      await lines.return?.(); // the rest of the upload is not read (as a loop left early does)
      throw new CsvHeaderError(h.problem);
    }
    header = h.header;
  }
  const [sub] = await ctx.db.query<{ id: string }>(
    `insert into catalogue_submissions (campaign_id, organisation_id, status, format, submitted_by, api_key_id, started_at)
     values ($1, $2, 'receiving', $3, $4, $5, $6) returning id`,
    [campaign.id, org!.id, upload.format, actor.userId, actor.apiKeyId ?? null, started]);
  const id = sub!.id;
  const t: Totals = { received: 0, accepted: 0, rejected: 0, counts: emptyCounts(), errors: [], kept: 0 };
  // A pipeline of batches: while the oldest batch's findings are written, the next ones are
  // parsed and being matched (MATCH_AHEAD batches at most: memory stays bounded).
  const pending: { batch: { n: number; r: LineResult }[]; good: { n: number; line: CatalogueLine }[]; judged: ReturnType<Matcher> }[] = [];
  let writing: Promise<void> = Promise.resolve();
  const start = (batch: { n: number; r: LineResult }[]) => {
    const good: { n: number; line: CatalogueLine }[] = [];
    for (const b of batch) if (b.r.ok) good.push({ n: b.n, line: b.r.line });
    const judged = good.length ? match(good.map((g) => g.line.item)) : Promise.resolve([]);
    judged.catch(() => {}); // awaited in order below; never an unhandled rejection meanwhile
    pending.push({ batch, good, judged });
  };
  const finishOldest = async () => {
    const p = pending.shift()!;
    const write = tally(p.batch, p.good, await p.judged, t);
    await writing; // one write at a time, in order
    writing = writeBatch(ctx.db, id, campaign.id, org!, write);
    writing.catch(() => {});
  };
  try {
    let batch: { n: number; r: LineResult }[] = [];
    for await (const line of { [Symbol.asyncIterator]: () => lines }) {
      const r: LineResult = 'tooLong' in line
        ? { ok: false, problem: { field: 'line', code: 'line_too_long', message: 'the line is too long' } }
        : upload.format === 'csv' ? parseCsvLine(header!, line.text) : parseNdjsonLine(line.text);
      batch.push({ n: line.n, r });
      if (batch.length >= CATALOGUE_BATCH_LINES) {
        start(batch);
        batch = [];
        if (pending.length > MATCH_AHEAD) await finishOldest();
      }
    }
    if (batch.length) start(batch);
    while (pending.length) await finishOldest();
    await writing;
  } catch (err) {
    await writing.catch(() => {}); // no write of this upload still running
    await ctx.db.query('delete from findings where submission_id = $1', [id]);
    await ctx.db.query(`update catalogue_submissions set status = 'failed', completed_at = $2 where id = $1`, [id, ctx.now()]);
    throw err;
  }
  const { sha256, bytes } = upload.digest();
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const replaced = await tx.query<{ id: string }>(
      `update catalogue_submissions set status = 'replaced' where campaign_id = $1 and organisation_id = $2 and status = 'current' returning id`,
      [campaign.id, org!.id]);
    await tx.query(
      `update catalogue_submissions set status = 'current', digest_sha256 = $2, bytes = $3, received = $4, accepted = $5, rejected = $6, counts = $7, completed_at = $8
        where id = $1`, [id, sha256, bytes, t.received, t.accepted, t.rejected, JSON.stringify(t.counts), now]);
    for (const r of replaced) {
      await recordHistory(tx, actor, { entityType: 'catalogue_submission', entityId: r.id, action: 'replace', from: 'current', to: 'replaced', reason: { by: id } }, now);
    }
    await recordHistory(tx, actor, {
      entityType: 'catalogue_submission', entityId: id, action: 'submit', from: 'receiving', to: 'current',
      reason: { campaignId: campaign.id, format: upload.format, sha256, bytes, received: t.received, accepted: t.accepted, rejected: t.rejected, findings: t.counts, replaces: replaced.map((r) => r.id) },
    }, now);
  });
  return { submissionId: id, digest: sha256, received: t.received, accepted: t.accepted, rejected: t.rejected, findings: t.counts, errors: t.errors };
}

interface BatchWrite {
  rows: { n: number; line: CatalogueLine; outcome: string; serviceId: string | null }[];
  errors: { line: number; field: string; code: string; message: string }[];
  received: number; accepted: number; rejected: number;
}

/** Counts a matched batch into the totals (in line order) and answers what to write. */
function tally(batch: { n: number; r: LineResult }[], good: { n: number; line: CatalogueLine }[],
  judged: { identity: RegisteredIdentity | null; judgement: Judgement }[], t: Totals): BatchWrite {
  const bad: BatchWrite['errors'] = [];
  for (const b of batch) if (!b.r.ok) bad.push({ line: b.n, ...b.r.problem });
  const rows: BatchWrite['rows'] = [];
  judged.forEach((j, i) => {
    const outcome = lineOutcome(j.judgement.status, j.identity?.serviceStatus ?? null);
    t.counts[outcome] += 1;
    if (isFinding(outcome)) rows.push({ n: good[i]!.n, line: good[i]!.line, outcome, serviceId: j.identity?.serviceId ?? null });
  });
  t.received += batch.length;
  t.accepted += good.length;
  t.rejected += bad.length;
  for (const e of bad) if (t.errors.length < LINE_ERRORS_ANSWERED) t.errors.push(e);
  const keep = bad.slice(0, Math.max(0, LINE_ERRORS_KEPT - t.kept));
  t.kept += keep.length;
  return { rows, errors: keep, received: t.received, accepted: t.accepted, rejected: t.rejected };
}

/** A batch's findings and the submission's running counters in one statement; its kept line errors in another. */
async function writeBatch(db: Queryable, submissionId: string, campaignId: string, org: { id: string; provinceCode: string | null }, w: BatchWrite): Promise<void> {
  const col = <T>(f: (r: BatchWrite['rows'][number]) => T) => w.rows.map(f);
  await db.query(
    `with added as (
       insert into findings (campaign_id, organisation_id, org_province_code, submission_id, line, platform, package_name, fp_algorithm, fingerprint,
                             app_name, store_id, url, downloads, outcome, service_id)
       select $1, $2, $3, $4, q.* from unnest($5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                                              $13::bigint[], $14::text[], $15::uuid[]) as q
       returning 1)
     update catalogue_submissions set received = $16, accepted = $17, rejected = $18 where id = $4`,
    [campaignId, org.id, org.provinceCode, submissionId, col((r) => r.n), col((r) => r.line.item.platform), col((r) => r.line.item.packageName),
      col((r) => r.line.item.algorithm), col((r) => r.line.item.hex), col((r) => r.line.appName), col((r) => r.line.storeId), col((r) => r.line.url),
      col((r) => r.line.downloads), col((r) => r.outcome), col((r) => r.serviceId), w.received, w.accepted, w.rejected]);
  if (w.errors.length) {
    await db.query(
      `insert into catalogue_line_errors (submission_id, line, field, code, message)
       select $1, q.* from unnest($2::int[], $3::text[], $4::text[], $5::text[]) as q`,
      [submissionId, w.errors.map((e) => e.line), w.errors.map((e) => e.field), w.errors.map((e) => e.code), w.errors.map((e) => e.message)]);
  }
}
