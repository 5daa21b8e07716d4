// Evidence files of disposal order items (issue 14, contract 5): the organisation uploads them
// (multipart, one file a request), the organisation and the bureau list and download them.
import { useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';

export interface Attachment { id: string; name: string; contentType: string; bytes: number; sha256: string; uploadedAt: string; url: string }

export function uploadAttachment(url: string, file: File): Promise<Attachment> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api.upload<Attachment>(url, form);
}

const size = (b: number) => (b < 1024 ? `${b} B` : b < 1048576 ? `${Math.round(b / 1024)} KB` : `${(b / 1048576).toFixed(1)} MB`);

export function AttachmentList({ files }: { files: Attachment[] }) {
  const { t } = useI18n();
  if (!files.length) return null;
  return (
    <ul className="plain attachments" aria-label={t('sv.files')} data-testid="attachments">
      {files.map((f) => (
        <li key={f.id}><a href={f.url} download={f.name}>{f.name}</a> <span className="muted small" title={`SHA-256 ${f.sha256}`}>{size(f.bytes)} · {f.sha256.slice(0, 12)}…</span></li>
      ))}
    </ul>
  );
}
