/**
 * Test fixtures: a real coordinator process on free ports (fresh data directory, no
 * headless worker), pages that contribute, and polling with deadlines.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { HealthSchema, JobListSchema, JobViewSchema, type Health, type JobView } from '../shared/api.js';
import { splitIntoChunks } from '../shared/split.js';
import { spawnCoordinator, tempDir } from '../test/support/harness.js';

export { expect };

export interface Coordinator {
  apiUrl: string;
  webUrl: string;
  unitSize: number;
  health(): Promise<Health>;
  jobs(): Promise<JobView[]>;
  job(jobId: string): Promise<JobView>;
}

/** Long on purpose: a job that finishes well within it got its leases back without waiting. */
export const LEASE_TIMEOUT_MS = 60_000;
export const SCREENSHOTS = path.resolve('test-results', 'screenshots');

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

export const test = base.extend<{ unitSize: number; trustedNetworks: string; coordinator: Coordinator }>({
  unitSize: [200_000, { option: true }],
  // The tabs share this machine, one network: declared a trusted private swarm, so each unit
  // is computed once and unit counts are exact. '' tests the rules for strangers.
  trustedNetworks: ['127.0.0.0/8', { option: true }],

  coordinator: async ({ unitSize, trustedNetworks }, use, testInfo) => {
    using data = tempDir();
    await using child = await spawnCoordinator({
      DATA_DIR: data.path,
      UNIT_SIZE: String(unitSize),
      LEASE_TIMEOUT: `${LEASE_TIMEOUT_MS / 1000}s`,
      TRUSTED_NETWORKS: trustedNetworks,
      SUBMIT_RATE_LIMIT: '0',
    });
    const { apiUrl, webUrl } = child;
    try {
      await use({
        apiUrl,
        webUrl,
        unitSize,
        health: async () => HealthSchema.parse(await getJson(`${apiUrl}/health`)),
        jobs: async () => JobListSchema.parse(await getJson(`${apiUrl}/api/jobs?limit=100`)).jobs,
        job: async (jobId) => JobViewSchema.parse(await getJson(`${apiUrl}/api/jobs/${jobId}`)),
      });
    } finally {
      await testInfo.attach('coordinator.log', { body: child.output(), contentType: 'text/plain' });
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

/** Submits through the form; the sieve unless `method` says otherwise (these tests follow the sieve's units). */
export async function submitJob(page: Page, n: number | string, chunks: number, method = 'sieve'): Promise<string> {
  await page.getByTestId('input-method').selectOption(method);
  await page.getByTestId('input-n').fill(String(n));
  await page.getByTestId('input-chunks').fill(String(chunks));
  await page.getByTestId('submit-button').click();
  const id = page.getByTestId('job-id');
  await expect(id).toHaveText(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  return (await id.textContent()) ?? '';
}

/** Pauses or resumes the tab's contribution and waits until the page shows it. */
export async function setPaused(page: Page, paused: boolean): Promise<void> {
  const toggle = page.getByTestId('contribute-toggle');
  if ((await toggle.getAttribute('aria-pressed')) !== String(paused)) await toggle.click();
  const status = page.getByTestId('contribute-status');
  if (paused) await expect(status).toHaveAttribute('data-status', 'paused');
  else await expect(status).not.toHaveAttribute('data-status', 'paused');
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
