/** Fails the run at once, with the fix, when Chromium or the page build is missing. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromiumPath } from '../playwright.config.js';

export default function globalSetup(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}. Install Debian's: apt-get install -y chromium ` +
        '(or point CHROMIUM_PATH at a Chromium binary). Playwright cannot download browsers here.',
    );
  }
  if (!existsSync(path.resolve('client/web/dist/index.html'))) {
    throw new Error('The page is not built: run `npm run build` first (`npm test` does).');
  }
}
