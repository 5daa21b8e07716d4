import { describe, expect, it } from 'vitest';
import { validateWebhookUrl } from './webhook-url.ts';

describe('webhook URLs', () => {
  it('accept https anywhere and http to the loopback only', () => {
    expect(validateWebhookUrl(' https://hooks.example.cn/beian#x ')).toEqual({ ok: true, value: 'https://hooks.example.cn/beian', warnings: [] });
    expect(validateWebhookUrl('http://127.0.0.1:8080/h').ok).toBe(true);
    expect(validateWebhookUrl('http://localhost/h').ok).toBe(true);
  });
  it('refuse plain http elsewhere, other schemes, credentials and garbage', () => {
    expect(validateWebhookUrl('http://hooks.example.cn/')).toMatchObject({ ok: false, error: { code: 'webhook_url_scheme' } });
    expect(validateWebhookUrl('ftp://127.0.0.1/')).toMatchObject({ ok: false, error: { code: 'webhook_url_scheme' } });
    expect(validateWebhookUrl('https://u:p@example.cn/')).toMatchObject({ ok: false, error: { code: 'webhook_url_credentials' } });
    expect(validateWebhookUrl('not a url')).toMatchObject({ ok: false, error: { code: 'webhook_url_invalid' } });
    expect(validateWebhookUrl(`https://example.cn/${'a'.repeat(2100)}`)).toMatchObject({ ok: false, error: { code: 'webhook_url_too_long' } });
  });
});
