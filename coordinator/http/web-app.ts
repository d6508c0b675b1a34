/**
 * Serves the built web page on WEB_PORT, plus /config.json telling the page where the API is
 * (so one build works on any host and port).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';

export interface WebOptions {
  /** Folder of the Vite build (index.html and assets). */
  root: string;
  /** Explicit API base URL (API_BASE_URL); otherwise the page uses its own host on `apiPort`. */
  apiBaseUrl: string | undefined;
  apiPort: () => number;
}

export function createWebApp(options: WebOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/config.json', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ apiBaseUrl: options.apiBaseUrl ?? null, apiPort: options.apiPort() });
  });
  const index = path.join(options.root, 'index.html');
  if (!existsSync(index)) {
    app.use((_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The web page has not been built. Run `npm run build` (npm start does it for you).\n');
    });
    return app;
  }
  app.use(express.static(options.root, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForIndex }));
  app.use((_req, res) => {
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return app;
}

function noCacheForIndex(res: express.Response, file: string): void {
  if (file.endsWith('index.html')) res.set('Cache-Control', 'no-cache');
}
