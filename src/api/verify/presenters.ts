// What relying parties see of the registry (house rule 10): filing numbers, names and status.
// Never an ID number, phone or email; an individual host's name is masked (张三 → 张*).
import { E_PREFIX, type IdentityRead, spanString } from '../../db/identity-index.ts';
import { mask } from '../../db/personal-data.ts';
import { chinaDate } from '../../domain/china-time.ts';
import type { ServiceRecord, SubjectRecord } from '../../db/verification.ts';
import type { FingerprintAlgorithm } from '../../domain/validation/index.ts';
import type { ServiceStatus } from '../../domain/service-lifecycle.ts';
import type { ItemProblem, Judgement, RegisteredIdentity, VerificationStatus } from '../../domain/verification.ts';
import { fragment, type JsonBytes } from './json-bytes.ts';

export interface VerifyResultView {
  ref: string | undefined;
  status: VerificationStatus | 'invalid';
  platform: string;
  packageName: string;
  matchedBy: FingerprintAlgorithm | null;
  serviceNumber: string | null;
  mainNumber: string | null;
  serviceName: string | null;
  hostName: string | null;
  hostType: 'unit' | 'individual' | null;
  filedAt: string | null;
  statusChangedAt: string | null;
  /** Only while `shell`: the China date (YYYY-MM-DD) since when the filing has had no access, as the public record gives it. */
  shellSince: string | undefined;
  recordedAlgorithms: FingerprintAlgorithm[] | undefined;
  error: { field: string; code: string; message: string } | undefined;
}

/** A shell's shellSince as answered everywhere (public record, verification, webhooks): its China date. */
export const shellDay = (since: Date | string | number) => chinaDate(new Date(since));

export const hostNameFor = (name: string, type: 'unit' | 'individual') => (type === 'individual' ? mask.personName(name) : name);

// Every result has the same shape (one hidden class, built in one literal: batches build 10,000 of
// them); fields that do not apply are undefined, which JSON leaves out.
/** The facts an answer shows of an identity (a RegisteredIdentity, or the index's lean read). */
export type ShownFacts = Pick<RegisteredIdentity, 'serviceNumber' | 'mainNumber' | 'serviceName' | 'hostName' | 'hostType' | 'filedAt' | 'statusChangedAt' | 'shellSince'>;

export function presentIdentityResult(platform: string, packageName: string, r: ShownFacts | null, j: Judgement, ref?: string): VerifyResultView {
  const shown = r !== null && j.status !== 'not_filed';
  return {
    ref,
    status: j.status,
    platform,
    packageName,
    matchedBy: j.matchedBy,
    serviceNumber: shown ? r.serviceNumber : null,
    mainNumber: shown ? r.mainNumber : null,
    serviceName: shown ? r.serviceName : null,
    hostName: shown ? (r.hostType === 'individual' ? mask.personName(r.hostName) : r.hostName) : null,
    hostType: shown ? r.hostType : null,
    filedAt: shown ? r.filedAt : null,
    statusChangedAt: shown ? r.statusChangedAt : null,
    shellSince: j.status === 'shell' && r !== null && r.shellSince !== null ? shellDay(r.shellSince) : undefined,
    recordedAlgorithms: j.recordedAlgorithms,
    error: undefined,
  };
}

export function presentInvalid(item: { platform: unknown; packageName: unknown }, problem: ItemProblem, ref?: string): VerifyResultView {
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 300) : '');
  return {
    ref, status: 'invalid', platform: str(item.platform), packageName: str(item.packageName), matchedBy: null,
    serviceNumber: null, mainNumber: null, serviceName: null, hostName: null, hostType: null, filedAt: null, statusChangedAt: null,
    shellSince: undefined, recordedAlgorithms: undefined, error: problem,
  };
}

/**
 * JSON.stringify(view), written out by hand: the same characters (keys in the view's order,
 * undefined fields left out) at a fraction of the cost — every check, batch item and stream line
 * is serialised through here (issue 16 item 6; tested against JSON.stringify in presenters.test.ts).
 */
export function resultJson(v: VerifyResultView): string {
  const q = JSON.stringify;
  let out = v.ref === undefined ? '{"status":"' : `{"ref":${q(v.ref)},"status":"`;
  out += `${v.status}","platform":${q(v.platform)},"packageName":${q(v.packageName)},"matchedBy":${v.matchedBy === null ? 'null' : `"${v.matchedBy}"`}`;
  if (v.serviceNumber === null && v.mainNumber === null && v.serviceName === null && v.hostName === null && v.hostType === null && v.filedAt === null && v.statusChangedAt === null) {
    out += NULL_FACTS;
  } else {
    out += `,"serviceNumber":${str(v.serviceNumber)},"mainNumber":${str(v.mainNumber)},"serviceName":${str(v.serviceName)},"hostName":${str(v.hostName)}`
      + `,"hostType":${str(v.hostType)},"filedAt":${str(v.filedAt)},"statusChangedAt":${str(v.statusChangedAt)}`;
  }
  if (v.shellSince !== undefined) out += `,"shellSince":${q(v.shellSince)}`;
  if (v.recordedAlgorithms !== undefined) out += `,"recordedAlgorithms":${q(v.recordedAlgorithms)}`;
  if (v.error !== undefined) out += `,"error":${q(v.error)}`;
  return `${out}}`;
}

/**
 * resultJson(presentIdentityResult(…)) written as bytes into `w`, the facts copied from the index's
 * arena where readSpans located them (no string decoded but a masked individual's name): the
 * verification batch's answer (ADR 0022 addendum; presenters.test.ts checks the bytes against
 * JSON.stringify of the presented view).
 */
export function writeIdentityResult(w: JsonBytes, platform: string, packageName: string, r: IdentityRead | null, j: Judgement, ref: string | undefined): void {
  if (ref === undefined) w.frag(F.open); else w.frag(F.openRef).string(ref).frag(F.refStatus);
  w.frag(F.statusPlatform[j.status]).string(platform).frag(F.packageName).string(packageName);
  writeFacts(w, r, j);
}

/**
 * writeIdentityResult for an item whose strings are bytes of `src` (a batch body read in place,
 * batch-scan.ts: printable ASCII without `"` or `\`, so each is its own JSON string's content):
 * platform, package name and ref (refAt -1: none) copied as they are.
 */
export function writeIdentityResultSpans(
  w: JsonBytes, src: Buffer, platformAt: number, platformEnd: number, pkgAt: number, pkgEnd: number, refAt: number, refEnd: number, r: IdentityRead | null, j: Judgement,
): void {
  if (refAt < 0) w.frag(F.open); else w.frag(F.openRef).quoted(src, refAt, refEnd).frag(F.refStatus);
  w.frag(F.statusPlatform[j.status]).quoted(src, platformAt, platformEnd).frag(F.packageName).quoted(src, pkgAt, pkgEnd);
  writeFacts(w, r, j);
}

/** A result's part from matchedBy on. */
function writeFacts(w: JsonBytes, r: IdentityRead | null, j: Judgement): void {
  w.frag(F.matchedBy[j.matchedBy ?? 'null']);
  if (r !== null && j.status !== 'not_filed') {
    const c = r.chunk;
    w.frag(F.serviceNumber).stored(c, r.snAt, r.snEnd, r.snEnc).frag(F.mainNumber);
    if (r.mnEnc === -1) w.frag(F.null);
    else if (r.mnEnc === E_PREFIX) w.stored(c, r.snAt, r.snEnd, r.snEnc, r.mnEnd);
    else w.stored(c, r.mnAt, r.mnEnd, r.mnEnc);
    w.frag(F.serviceName).stored(c, r.nameAt, r.nameEnd, r.nameEnc).frag(F.hostName);
    if (r.hostType === 'individual') w.string(mask.personName(spanString(c, r.hostAt, r.hostEnd, r.hostEnc)));
    else w.stored(c, r.hostAt, r.hostEnd, r.hostEnc);
    w.frag(F.hostTypeFiled[r.hostType]).date(r.filedMs).frag(F.statusChangedAt).date(r.statusChangedMs);
    if (j.status === 'shell' && !Number.isNaN(r.shellSinceMs)) w.frag(F.shellSince).string(shellDay(r.shellSinceMs));
  } else w.frag(F.nullFacts);
  if (j.recordedAlgorithms !== undefined) w.frag(F.recordedAlgorithms).text(JSON.stringify(j.recordedAlgorithms));
  w.frag(F.close);
}

const NULL_FACTS = ',"serviceNumber":null,"mainNumber":null,"serviceName":null,"hostName":null,"hostType":null,"filedAt":null,"statusChangedAt":null';
const STATUSES: (VerificationStatus | 'invalid')[] = ['invalid', 'filed', 'cancelled', 'revoked', 'shell', 'not_filed', 'fingerprint_mismatch'];
/** writeIdentityResult's fixed text, as bytes once. */
const F = {
  open: fragment('{"status":"'), openRef: fragment('{"ref":'), refStatus: fragment(',"status":"'),
  statusPlatform: Object.fromEntries(STATUSES.map((s) => [s, fragment(`${s}","platform":`)])) as Record<VerifyResultView['status'], Uint8Array>,
  packageName: fragment(',"packageName":'),
  matchedBy: Object.fromEntries(['null', 'md5', 'sha1', 'sha256'].map((a) => [a, fragment(`,"matchedBy":${a === 'null' ? a : `"${a}"`}`)])) as Record<FingerprintAlgorithm | 'null', Uint8Array>,
  serviceNumber: fragment(',"serviceNumber":'), mainNumber: fragment(',"mainNumber":'), null: fragment('null'),
  serviceName: fragment(',"serviceName":'), hostName: fragment(',"hostName":'),
  hostTypeFiled: { unit: fragment(',"hostType":"unit","filedAt":'), individual: fragment(',"hostType":"individual","filedAt":') },
  statusChangedAt: fragment(',"statusChangedAt":'), shellSince: fragment(',"shellSince":'),
  nullFacts: fragment(NULL_FACTS),
  recordedAlgorithms: fragment(',"recordedAlgorithms":'), close: fragment('}'),
};

const str = (s: string | null) => (s === null ? 'null' : JSON.stringify(s));

/** A body already serialised as JSON: verification routes' serializers send its text as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** A route's serializer for JsonText answers (and JSON.stringify for anything else). */
export const jsonTextSerializer = () => (data: unknown) => (data instanceof JsonText ? data.text : JSON.stringify(data));

export interface ServiceView {
  serviceNumber: string;
  mainNumber: string;
  serviceName: string;
  serviceType: string;
  status: ServiceStatus;
  filedAt: string;
  statusChangedAt: string;
  /** Set while the service has no access left (a shell, 空壳; issue 13): its China date, YYYY-MM-DD, as the public record gives it. */
  shellSince: string | null;
  hostName: string;
  hostType: 'unit' | 'individual';
  hostNature: string;
  platforms: { platform: string; packageName: string; active: boolean; certMd5: string | null; certSha1: string | null; certSha256: string | null }[];
}

export function presentService(s: ServiceRecord): ServiceView {
  return {
    serviceNumber: s.service_number, mainNumber: s.main_number, serviceName: s.service_name, serviceType: s.service_type,
    status: s.status, filedAt: s.filed_at.toISOString(), statusChangedAt: s.status_changed_at.toISOString(), shellSince: s.shell_since ? shellDay(s.shell_since) : null,
    hostName: hostNameFor(s.host_name, s.host_type), hostType: s.host_type, hostNature: s.host_nature,
    platforms: s.platforms,
  };
}

export interface SubjectView {
  mainNumber: string;
  status: ServiceStatus;
  hostName: string;
  hostType: 'unit' | 'individual';
  hostNature: string;
  filedAt: string | null;
  /** When the subject's status was set (its cancellation or revocation; while filed, its filing). */
  statusChangedAt: string | null;
  services: Omit<ServiceView, 'mainNumber' | 'hostName' | 'hostType' | 'hostNature'>[];
}

export function presentSubject(s: SubjectRecord, services: ServiceRecord[]): SubjectView {
  return {
    mainNumber: s.main_number, status: s.status, hostName: hostNameFor(s.host_name, s.host_type), hostType: s.host_type,
    hostNature: s.host_nature, filedAt: s.filed_at ? s.filed_at.toISOString() : null,
    statusChangedAt: s.status_changed_at ? new Date(s.status_changed_at).toISOString() : null,
    services: services.map((x) => {
      const { mainNumber: _m, hostName: _h, hostType: _t, hostNature: _n, ...rest } = presentService(x);
      return rest;
    }),
  };
}
