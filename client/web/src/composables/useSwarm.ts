/** Live swarm numbers (`swarm:update`, every second) and the recent rate history for the chart. */
import { onScopeDispose, shallowRef, watch } from 'vue';
import { SwarmStatsSchema, type SwarmStats } from '../../../../shared/protocol.js';
import { useBackend, type PageSocket } from './useBackend.js';

const HISTORY = 60;

export function useSwarm() {
  const { socket } = useBackend();
  const stats = shallowRef<SwarmStats>();
  const rates = shallowRef<number[]>([]);

  const onUpdate = (payload: unknown) => {
    const parsed = SwarmStatsSchema.safeParse(payload);
    if (!parsed.success) return;
    stats.value = parsed.data;
    rates.value = [...rates.value, parsed.data.rate].slice(-HISTORY);
  };
  // The watch is per connection: after a reconnect the server has forgotten it.
  const subscribe = () => socket.value?.emit('swarm:watch', {}, () => {});

  const detach = (s: PageSocket) => s.off('swarm:update', onUpdate).off('connect', subscribe);
  watch(
    socket,
    (s, previous) => {
      if (previous) detach(previous);
      if (!s) return;
      s.on('swarm:update', onUpdate).on('connect', subscribe);
      if (s.connected) subscribe();
    },
    { immediate: true },
  );
  onScopeDispose(() => socket.value && detach(socket.value));
  return { stats, rates };
}
