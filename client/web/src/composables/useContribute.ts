/**
 * The tab as a volunteer: a Web Worker pool running the shared lease loop (client/volunteer.ts)
 * over its own Socket.IO connection. On by default; the thread count and a pause are
 * remembered in localStorage, and `?contribute=1` forces contributing on. Leaving the page
 * gives the leases back at once, so no job waits for a lease deadline.
 */
import { computed, onScopeDispose, readonly, ref, shallowRef, watch } from 'vue';
import { z } from 'zod';
import { Volunteer, type UnitDone, type VolunteerStats } from '../../../volunteer.js';
import { ThreadedComputePool } from '../../../threaded-pool.js';
import { spawnSieveWorker } from '../compute/sieve-worker-spawner.js';
import { hasWebAssembly } from '../../../../shared/wasm-module.js';
import { socketFor, useBackend } from './useBackend.js';

const STORAGE_KEY = 'prime-counter:contribute';
const RATE_WINDOW_MS = 10_000;

const SettingsSchema = z.object({ threads: z.number().int().min(1), paused: z.boolean() });
type Settings = z.infer<typeof SettingsSchema>;

/** Every kernel is Wasm: a browser without WebAssembly cannot contribute (it still follows jobs). */
export const canContribute = hasWebAssembly();

export const maxThreads = Math.max(1, navigator.hardwareConcurrency || 1);
const defaultThreads = Math.max(1, maxThreads - 1);

function loadSettings(): Settings {
  let stored: Settings | undefined;
  try {
    const parsed = SettingsSchema.safeParse(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null'));
    if (parsed.success) stored = parsed.data;
  } catch {
    // Unreadable or blocked storage: fall back to the defaults.
  }
  const forced = new URLSearchParams(location.search).get('contribute') === '1';
  return {
    threads: Math.min(stored?.threads ?? defaultThreads, maxThreads),
    paused: forced ? false : (stored?.paused ?? false),
  };
}

function saveSettings(settings: Settings): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
  } catch {
    // Private mode or full storage: the choice just is not remembered.
  }
}

export function useContribute() {
  const { api } = useBackend();
  const initial = loadSettings();
  const threads = ref(initial.threads);
  const paused = ref(initial.paused);
  const stats = shallowRef<VolunteerStats>();
  const lastError = ref<string>();
  /** Accepted units of the last RATE_WINDOW_MS, for the tab's own rate. */
  const recent = shallowRef<{ at: number; numbers: number }[]>([]);
  let volunteer: Volunteer | undefined;

  const rate = computed(() => recent.value.reduce((sum, unit) => sum + unit.numbers, 0) / (RATE_WINDOW_MS / 1000));

  function onUnitDone(unit: UnitDone): void {
    if (!unit.accepted) return;
    const now = Date.now();
    recent.value = [...recent.value.filter((u) => now - u.at < RATE_WINDOW_MS), { at: now, numbers: unit.lease.hi - unit.lease.lo + 1 }];
  }

  const trimRate = setInterval(() => {
    const now = Date.now();
    if (recent.value.some((u) => now - u.at >= RATE_WINDOW_MS)) recent.value = recent.value.filter((u) => now - u.at < RATE_WINDOW_MS);
  }, 1000);

  function start(): void {
    const client = api.value;
    if (volunteer || !client || !canContribute) return;
    const created = new Volunteer({
      socket: socketFor(client.endpoint),
      pool: new ThreadedComputePool(spawnSieveWorker, threads.value),
      kind: 'browser',
      threads: threads.value,
      name: 'browser tab',
      onChange: (next) => (stats.value = next),
      onUnitDone,
      onError: (message) => (lastError.value = message),
    });
    volunteer = created;
    if (paused.value) void created.pause();
    stats.value = created.stats;
  }

  /** Says goodbye: leases go back over the socket, then the socket closes. */
  function stop(): void {
    const leaving = volunteer;
    volunteer = undefined;
    void leaving?.stop();
  }

  watch(api, () => start(), { immediate: true });
  watch(threads, (n) => {
    volunteer?.setThreads(n);
    saveSettings({ threads: n, paused: paused.value });
  });
  watch(paused, (isPaused) => {
    if (isPaused) void volunteer?.pause();
    else volunteer?.resume();
    saveSettings({ threads: threads.value, paused: isPaused });
  });

  // pagehide (not beforeunload) also fires on mobile tab switches to a frozen state and on
  // bfcache entry; pageshow brings the volunteer back if the page is restored.
  const onPageHide = () => stop();
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) start();
  };
  addEventListener('pagehide', onPageHide);
  addEventListener('pageshow', onPageShow);
  onScopeDispose(() => {
    clearInterval(trimRate);
    removeEventListener('pagehide', onPageHide);
    removeEventListener('pageshow', onPageShow);
    stop();
  });

  return {
    canContribute,
    threads,
    paused,
    maxThreads,
    stats,
    rate,
    lastError: readonly(lastError),
    toggle: () => (paused.value = !paused.value),
  };
}
