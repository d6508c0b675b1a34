/**
 * The web page build. `vite build` writes client/web/dist, which the coordinator serves on
 * WEB_PORT. `npm run dev` serves the page with hot reload and proxies the API (REST and
 * Socket.IO) under /__api to the coordinator on API_PORT, so no CORS setting is needed.
 */
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

const API_PREFIX = '/__api';

/** The dev server's answer to /config.json, which the coordinator's web server gives in production. */
function devConfigJson(): Plugin {
  return {
    name: 'dev-config-json',
    configureServer(server) {
      server.middlewares.use('/config.json', (req, res) => {
        const origin = `http://${req.headers.host ?? 'localhost'}`;
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-store');
        res.end(JSON.stringify({ apiBaseUrl: `${origin}${API_PREFIX}`, apiPort: 0 }));
      });
    },
  };
}

const apiTarget = process.env['API_BASE_URL'] ?? `http://127.0.0.1:${process.env['API_PORT'] ?? '8000'}`;

export default defineConfig({
  root: fileURLToPath(new URL('./client/web', import.meta.url)),
  plugins: [vue(), devConfigJson()],
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    port: Number(process.env['DEV_PORT'] ?? 5173),
    proxy: {
      [API_PREFIX]: {
        target: apiTarget,
        changeOrigin: true,
        ws: true,
        rewrite: (path) => path.slice(API_PREFIX.length) || '/',
      },
    },
  },
});
