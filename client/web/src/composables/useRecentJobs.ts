/** The recent jobs list, refreshed on a timer and on demand (after a submit or a state change). */
import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { JobView } from '../../../../shared/api.js';
import { useBackend } from './useBackend.js';

const REFRESH_MS = 4000;

export function useRecentJobs(limit = 8) {
  const { api } = useBackend();
  const jobs = shallowRef<JobView[]>([]);
  const loaded = ref(false);

  async function refresh(): Promise<void> {
    const client = api.value;
    if (!client) return;
    try {
      jobs.value = await client.recentJobs(limit);
      loaded.value = true;
    } catch {
      // The backend banner reports an unreachable coordinator; the list keeps its last state.
    }
  }

  const timer = setInterval(() => void refresh(), REFRESH_MS);
  watch(api, () => void refresh(), { immediate: true });
  onScopeDispose(() => clearInterval(timer));
  return { jobs, loaded, refresh };
}
