/**
 * The page's link to the coordinator: where the API is, its limits, and one Socket.IO
 * connection for watching jobs and the swarm. One instance per page (module singleton), so
 * every composable shares the socket.
 */
import { io, type Socket } from 'socket.io-client';
import { readonly, ref, shallowRef } from 'vue';
import type { ServiceInfo } from '../../../../shared/api.js';
import type { ClientToServerWire, ServerToClientWire } from '../../../../shared/protocol.js';
import { ApiClient, discoverEndpoint, type ApiEndpoint } from '../api/client.js';

export type PageSocket = Socket<ServerToClientWire, ClientToServerWire>;
export type BackendPhase = 'connecting' | 'ready' | 'unreachable';

const phase = ref<BackendPhase>('connecting');
const problem = ref<string>();
const info = shallowRef<ServiceInfo>();
const api = shallowRef<ApiClient>();
const socket = shallowRef<PageSocket>();
const live = ref(false);
let connecting: Promise<void> | undefined;

export function socketFor(endpoint: ApiEndpoint): PageSocket {
  return io(endpoint.socketOrigin, {
    path: endpoint.socketPath,
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
}

async function connect(): Promise<void> {
  phase.value = 'connecting';
  problem.value = undefined;
  try {
    const client = api.value ?? new ApiClient(await discoverEndpoint());
    info.value = await client.serviceInfo();
    api.value = client;
    if (!socket.value) {
      const created = socketFor(client.endpoint);
      created.on('connect', () => {
        live.value = true;
        // The socket only connects when the coordinator answers: whatever failed has recovered.
        if (phase.value === 'unreachable') phase.value = 'ready';
      });
      created.on('disconnect', () => (live.value = false));
      socket.value = created;
    }
    phase.value = 'ready';
  } catch (error) {
    phase.value = 'unreachable';
    problem.value = error instanceof Error ? error.message : String(error);
  }
}

/** Connects (once) and exposes the shared state; `retry()` tries again after a failure. */
export function useBackend() {
  connecting ??= connect();
  return {
    phase: readonly(phase),
    problem: readonly(problem),
    info,
    api,
    socket,
    /** True while the Socket.IO connection is up (pushes arrive). */
    live: readonly(live),
    retry: () => (connecting = connect()),
  };
}

/** A REST call failed because the coordinator is gone: show the banner with its retry button. */
export function reportUnreachable(message: string): void {
  phase.value = 'unreachable';
  problem.value = message;
}
