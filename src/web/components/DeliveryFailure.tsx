// A failed delivery's reason for people (the console's webhook deliveries, the administrator's 投递失败):
// the kind the server read from the recorded error (errorKind: src/notify/failure-kinds.ts) said in the
// language shown, the recorded text itself (Node's ECONNREFUSED, "endpoint answered 500", a gateway's
// reply) kept beneath it and in the title. An error of no known kind is shown as recorded.
import { useI18n, type I18n } from '../i18n/index.tsx';

export type FailureKind = 'connection_refused' | 'connection_reset' | 'timeout' | 'dns' | 'unreachable' | 'tls' | 'address_refused' | 'http_status';

/** The explanation of a failure kind (an HTTP status by its class: refused 4xx, broken 5xx, 410 Gone). */
export function failureText(i18n: I18n, kind: FailureKind | null, status: number | null): string | null {
  if (!kind) return null;
  if (kind !== 'http_status') return i18n.t(`failure.${kind}`);
  if (status === null) return i18n.t('failure.http', { status: '' }).trim();
  if (status === 410) return i18n.t('failure.http410');
  if (status >= 500) return i18n.t('failure.http5xx', { status });
  if (status >= 400) return i18n.t('failure.http4xx', { status });
  return i18n.t('failure.http', { status });
}

export function DeliveryFailure({ kind, status, raw }: { kind: FailureKind | null; status: number | null; raw: string | null }) {
  const i18n = useI18n();
  const text = failureText(i18n, kind, status);
  if (!text) return raw ? <span className="small" data-testid="failure-raw">{raw}</span> : null;
  return (
    <div data-testid="failure">
      <span className="small" title={raw ?? undefined} data-testid="failure-text">{text}</span>
      {raw ? <div className="muted small mono" style={{ wordBreak: 'normal', overflowWrap: 'anywhere' }} data-testid="failure-raw"><span className="sr-only">{i18n.t('failure.raw')}{i18n.colon}</span>{raw}</div> : null}
    </div>
  );
}
