// The web app (src/web): React, built into src/web/dist and served by the API server
// (src/api/web.ts). `npm run dev:web` serves it with hot reload, proxying /api to a running
// `npm start` (PORT 3000, or BEIAN_API_URL).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const web = fileURLToPath(new URL('./src/web', import.meta.url));

export default defineConfig({
  root: web,
  base: '/',
  plugins: [react()],
  resolve: {
    // The domain validators run in the browser as they are; the one Node import they use
    // (node:url's IDN conversion) is answered by the browser's own URL parser.
    alias: { 'node:url': fileURLToPath(new URL('./src/web/lib/node-url-shim.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.BEIAN_API_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
