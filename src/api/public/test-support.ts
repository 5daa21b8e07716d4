// Helpers for the public API tests: each request comes from a fresh client address, so the
// per-address quota (60 a minute) only bites in the tests that mean it to.
import type { FastifyInstance } from 'fastify';

let n = 0;

export function nextAddress(): string {
  n += 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export function publicGet(app: FastifyInstance, url: string, headers: Record<string, string> = {}, remoteAddress = nextAddress()) {
  return app.inject({ method: 'GET', url, headers, remoteAddress });
}

export const DEMO = {
  a2dp: '粤ICP备2024000001号-2A',
  demoWebsite: '粤ICP备2024000001号-1',
  demoMini: '粤ICP备2024000001号-3X',
  demoMain: '粤ICP备2024000001号',
  wangMain: '京ICP备2025000001号',
  wangWebsite: '京ICP备2025000001号-1',
  ledger: '浙ICP备2024000001号-1A',
  revokedGame: '浙ICP备2024000001号-2A',
} as const;

export const enc = encodeURIComponent;
