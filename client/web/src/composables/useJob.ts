/**
 * The job the page follows: its view and range map, pushed over Socket.IO (`job:watch`),
 * with REST polling as the fallback while pushes do not arrive. The id lives in the URL
 * (`?job=`), so a reload or a shared link shows the same job.
 */
import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue';
import { JobViewSchema, STATE_RANK, TERMINAL_STATES, type JobView } from '../../../../shared/api.js';
import { RangeMapSchema, WatchJobAckSchema, type RangeMap } from '../../../../shared/protocol.js';
import { ApiError } from '../api/client.js';
import { reportUnreachable, useBackend, type PageSocket } from './useBackend.js';

const POLL_MS = 1500;
/** Pushes older than this count as missing; polling takes over. */
const STALE_PUSH_MS = 3000;
const ACK_TIMEOUT_MS = 5000;
/** The API token someone typed to cancel, kept for this tab only. */
const TOKEN_KEY = 'prime-swarm.api-token';

function jobIdFromUrl(): string | undefined {
  return new URLSearchParams(location.search).get('job') ?? undefined;
}

function writeJobIdToUrl(jobId: string | undefined): void {
  const url = new URL(location.href);
  if (jobId === undefined) url.searchParams.delete('job');
  else url.searchParams.set('job', jobId);
  history.replaceState(history.state, '', url);
}

/** Pushes and polls can arrive out of order; states and progress never move backwards. */
function isNotOlder(next: JobView, current: JobView | undefined): boolean {
  if (!current || current.job_id !== next.job_id) return true;
  return STATE_RANK[next.state] >= STATE_RANK[current.state] && next.progress.completed >= current.progress.completed;
}

export function useJob() {
  const { api, socket, live } = useBackend();
  const jobId = ref(jobIdFromUrl());
  const job = shallowRef<JobView>();
  const map = shallowRef<RangeMap>();
  const problem = ref<string>();
  const cancelling = ref(false);
  let lastPush = 0;

  const finished = computed(() => job.value !== undefined && TERMINAL_STATES.has(job.value.state));
  const percent = computed(() => {
    const progress = job.value?.progress;
    if (!progress) return 0;
    return Math.floor((100 * progress.completed) / progress.total);
  });

  function accept(view: JobView): void {
    if (view.job_id !== jobId.value || !isNotOlder(view, job.value)) return;
    job.value = view;
    problem.value = undefined;
  }

  const onUpdate = (payload: unknown) => {
    const parsed = JobViewSchema.safeParse(payload);
    if (!parsed.success) return;
    lastPush = Date.now();
    accept(parsed.data);
  };

  const onMap = (payload: unknown) => {
    const parsed = RangeMapSchema.safeParse(payload);
    if (!parsed.success || parsed.data.jobId !== jobId.value) return;
    lastPush = Date.now();
    map.value = parsed.data;
  };

  async function watchOver(s: PageSocket, id: string): Promise<void> {
    try {
      const ack = WatchJobAckSchema.safeParse(await s.timeout(ACK_TIMEOUT_MS).emitWithAck('job:watch', { jobId: id }));
      if (!ack.success) return;
      if (ack.data.ok) {
        lastPush = Date.now();
        accept(ack.data.job);
      } else if (id === jobId.value) {
        problem.value = ack.data.error.message;
      }
    } catch {
      // No ack in time: polling covers the gap and the next reconnect watches again.
    }
  }

  const onConnect = () => {
    if (jobId.value !== undefined && socket.value) void watchOver(socket.value, jobId.value);
  };

  watch(
    socket,
    (s, previous) => {
      previous?.off('job:update', onUpdate).off('job:map', onMap).off('connect', onConnect);
      if (!s) return;
      s.on('job:update', onUpdate).on('job:map', onMap).on('connect', onConnect);
      if (s.connected) onConnect();
    },
    { immediate: true },
  );

  watch(jobId, (id, previous) => {
    writeJobIdToUrl(id);
    if (previous !== undefined && socket.value?.connected) socket.value.emit('job:unwatch', { jobId: previous }, () => {});
    job.value = undefined;
    map.value = undefined;
    problem.value = undefined;
    if (id !== undefined && socket.value?.connected) void watchOver(socket.value, id);
    void poll(true);
  });

  async function poll(force = false): Promise<void> {
    const id = jobId.value;
    const client = api.value;
    if (id === undefined || !client || (finished.value && !force)) return;
    if (!force && live.value && Date.now() - lastPush < STALE_PUSH_MS) return;
    try {
      accept(await client.job(id));
    } catch (error) {
      if (id !== jobId.value) return;
      if (error instanceof ApiError && error.unreachable) reportUnreachable(error.message);
      else problem.value = error instanceof Error ? error.message : String(error);
    }
  }

  const timer = setInterval(() => void poll(), POLL_MS);
  watch(api, () => void poll(true), { immediate: true });
  onScopeDispose(() => {
    clearInterval(timer);
    socket.value?.off('job:update', onUpdate).off('job:map', onMap).off('connect', onConnect);
  });

  /** A coordinator with an API_TOKEN answers 401: ask for the token, keep it for this tab, retry. */
  async function cancel(): Promise<void> {
    const id = jobId.value;
    const client = api.value;
    if (id === undefined || !client || cancelling.value) return;
    cancelling.value = true;
    problem.value = undefined;
    let token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
    try {
      for (;;) {
        try {
          accept(await client.cancel(id, token));
          return;
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 401) throw error;
          const asked = window.prompt(
            token === undefined ? 'This coordinator needs its API token to cancel a job:' : 'That token was refused. API token:',
          );
          if (!asked?.trim()) {
            problem.value = 'Not cancelled: this coordinator needs its API token.';
            return;
          }
          token = asked.trim();
          sessionStorage.setItem(TOKEN_KEY, token);
        }
      }
    } catch (error) {
      if (id !== jobId.value) return;
      problem.value = `Not cancelled: ${error instanceof Error ? error.message : String(error)}`;
      void poll(true);
    } finally {
      cancelling.value = false;
    }
  }

  return {
    jobId,
    job,
    map,
    problem,
    finished,
    percent,
    cancelling,
    cancel,
    follow(id: string): void {
      jobId.value = id;
    },
  };
}
