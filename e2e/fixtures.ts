/**
 * Test fixtures: a real coordinator process on free ports (fresh data directory, no
 * headless worker), pages that contribute, and polling with deadlines.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { HealthSchema, JobListSchema, JobViewSchema, type Health, type JobView } from '../shared/api.js';
import { splitIntoChunks } from '../shared/split.js';

export { expect };

export interface Coordinator {
  apiUrl: string;
  webUrl: string;
  unitSize: number;
  health(): Promise<Health>;
  jobs(): Promise<JobView[]>;
  job(jobId: string): Promise<JobView>;
}

const STARTUP_TIMEOUT_MS = 30_000;
/** Long on purpose: a job that finishes well within it got its leases back without waiting. */
export const LEASE_TIMEOUT_MS = 60_000;
export const SCREENSHOTS = path.resolve('test-results', 'screenshots');

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

export const test = base.extend<{ unitSize: number; coordinator: Coordinator }>({
  unitSize: [200_000, { option: true }],

  coordinator: async ({ unitSize }, use, testInfo) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'prime-e2e-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'coordinator/main.ts'], {
      env: {
        ...process.env,
        API_HOST: '127.0.0.1',
        API_PORT: '0',
        WEB_PORT: '0',
        DATA_DIR: dataDir,
        UNIT_SIZE: String(unitSize),
        LEASE_TIMEOUT: `${LEASE_TIMEOUT_MS / 1000}s`,
        // Spot checks send a unit to a second volunteer; off, so unit counts are exact.
        SPOT_CHECK_RATE: '0',
        SUBMIT_RATE_LIMIT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const listening = new Promise<{ apiUrl: string; webUrl: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`coordinator did not start:\n${log}`)), STARTUP_TIMEOUT_MS);
      child.once('exit', (code) => reject(new Error(`coordinator exited with ${code}:\n${log}`)));
      const onData = (data: Buffer) => {
        log += data.toString();
        for (const line of log.split('\n')) {
          if (!line.includes('coordinator listening')) continue;
          const { apiUrl, webUrl } = JSON.parse(line) as { apiUrl: string; webUrl: string };
          clearTimeout(timer);
          resolve({ apiUrl, webUrl });
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    try {
      const { apiUrl, webUrl } = await listening;
      await use({
        apiUrl,
        webUrl,
        unitSize,
        health: async () => HealthSchema.parse(await getJson(`${apiUrl}/health`)),
        jobs: async () => JobListSchema.parse(await getJson(`${apiUrl}/api/jobs?limit=100`)).jobs,
        job: async (jobId) => JobViewSchema.parse(await getJson(`${apiUrl}/api/jobs/${jobId}`)),
      });
    } finally {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      await testInfo.attach('coordinator.log', { body: log, contentType: 'text/plain' });
    }
  },
});

/** Opens the page in its own context (its own volunteer) and waits until it is ready for work. */
export async function openVolunteer(context: BrowserContext, coordinator: Coordinator, query = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${coordinator.webUrl}/${query}`);
  await expect(page.getByTestId('contribute-status')).toHaveAttribute('data-status', /^(idle|working)$/);
  return page;
}

/** Number of units the coordinator cuts a job into: each chunk is cut from its front. */
export function unitsOf(n: number, chunks: number, unitSize: number): number {
  return splitIntoChunks(n, chunks).reduce((sum, { lo, hi }) => sum + Math.ceil((hi - lo + 1) / unitSize), 0);
}

export async function submitJob(page: Page, n: number, chunks: number): Promise<string> {
  await page.getByTestId('input-n').fill(String(n));
  await page.getByTestId('input-chunks').fill(String(chunks));
  await page.getByTestId('submit-button').click();
  const id = page.getByTestId('job-id');
  await expect(id).toHaveText(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  return (await id.textContent()) ?? '';
}

export async function unitsDone(page: Page): Promise<number> {
  return Number(await page.getByTestId('contribute-units').getAttribute('data-value'));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await test.info().attach(name, { path: file, contentType: 'image/png' });
}
