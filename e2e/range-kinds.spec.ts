/** A range kind submitted from the page and computed by the tab itself (no headless worker). */
import { expect, test } from './fixtures.js';

test.describe('range kinds on the page', () => {
  test.use({ unitSize: 100_000 });

  test('submits a twin-count job over [0, 10^6] from the form and shows the exact answer and the range map', async ({ page, coordinator }) => {
    await page.goto(`${coordinator.webUrl}/?contribute=1`);
    await expect(page.getByTestId('contribute-status')).toHaveAttribute('data-status', 'idle');
    await page.getByTestId('kind-twin-count').check();
    await expect(page.getByTestId('range-form')).toBeVisible();
    await expect(page.getByTestId('submit-form')).toHaveCount(0);
    // A value too large for a JSON number is refused in the form, on its field.
    await page.getByTestId('input-from').fill('0');
    await page.getByTestId('input-to').fill('18446744073709551616');
    await page.getByTestId('input-range-chunks').fill('4');
    await page.getByTestId('range-submit-button').click();
    await expect(page.getByTestId('error-to')).toContainText('2^64 - 1');
    await page.getByTestId('input-to').fill('1,000,000');
    await page.getByTestId('range-submit-button').click();
    await expect(page.getByTestId('job-id')).toHaveText(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const jobId = (await page.getByTestId('job-id').textContent()) ?? '';
    await expect(page.getByTestId('job-question')).toHaveText('twin primes in [0, 1,000,000] in 4 chunks');
    // Twin prime pairs below 10^6 (OEIS A007508).
    await expect(page.getByTestId('job-result-count')).toHaveText('8,169', { timeout: 60_000 });
    await expect(page.getByTestId('job-state')).toHaveText('SUCCESS');
    await expect(page.getByTestId('job-progress-text')).toHaveText('4 of 4 chunks');
    await expect(page.getByTestId('range-map')).toHaveAttribute('data-done-chunks', '4');
    expect(await coordinator.job(jobId)).toMatchObject({ kind: 'twin-count', from: 0, to: 1_000_000, result: { twin_count: 8169 } });
    await expect(page.getByTestId('recent-job').first()).toContainText('twin-count from 0');
  });

  test('counts the primes in [10^12, 10^13] from the form as pi(to) - pi(from - 1), the method shown', async ({ page, coordinator }) => {
    await page.goto(`${coordinator.webUrl}/?contribute=1`);
    await expect(page.getByTestId('contribute-status')).toHaveAttribute('data-status', 'idle');
    await page.getByTestId('kind-prime-count').check();
    await expect(page.getByTestId('input-method')).toHaveValue('auto');
    await page.getByTestId('input-from').fill('1000000000000');
    await page.getByTestId('input-to').fill('10000000000000');
    await page.getByTestId('input-range-chunks').fill('4');
    await page.getByTestId('range-submit-button').click();
    await expect(page.getByTestId('job-method')).toHaveText('combinatorial');
    await expect(page.getByTestId('job-result-count')).toHaveText('308,457,624,821', { timeout: 120_000 });
    await expect(page.getByTestId('job-progress-text')).toHaveText('4 of 4 chunks');
  });
});
