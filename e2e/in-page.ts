/**
 * Recorders that run inside the page, so no value a test cares about can slip between two
 * polls. The root tsconfig has no DOM lib (it would retype fetch for the Node tests), so the
 * few page globals used here are declared locally.
 */
import type { Page } from '@playwright/test';

interface PageElement {
  getAttribute(name: string): string | null;
}
declare const document: { body: unknown; documentElement: { scrollWidth: number }; querySelector(selector: string): PageElement | null };
declare const globalThis: { recorded?: Record<string, number[]> };
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: { subtree?: boolean; childList?: boolean; attributes?: boolean; attributeFilter?: string[] }): void;
}

/** Starts recording every distinct value `attribute` of the `testId` element takes, under `name`. */
export async function recordAttribute(page: Page, name: string, testId: string, attribute: string): Promise<void> {
  await page.evaluate(
    ({ name, testId, attribute }) => {
      const values: number[] = [];
      globalThis.recorded = { ...globalThis.recorded, [name]: values };
      const read = () => {
        const value = document.querySelector(`[data-testid="${testId}"]`)?.getAttribute(attribute);
        if (value != null && values.at(-1) !== Number(value)) values.push(Number(value));
      };
      read();
      new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: [attribute] });
    },
    { name, testId, attribute },
  );
}

export function recorded(page: Page, name: string): Promise<number[]> {
  return page.evaluate((name) => globalThis.recorded?.[name] ?? [], name);
}

export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}
