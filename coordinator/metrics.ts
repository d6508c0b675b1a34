/** Prometheus metrics at GET /metrics: the swarm and the job table, read at scrape time. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Domain } from './model.js';
import type { LoadShedder } from './socket/load-shedder.js';
import type { SwarmSnapshot } from './swarm-stats.js';

export interface CoordinatorMetrics {
  registry: Registry;
  unitsAccepted: Counter;
  numbersSieved: Counter;
  leasesExpired: Counter;
  socketsDropped: Counter<'reason'>;
  /** Adds the gauges read from the domain (and the load shedder) at scrape time. */
  observe(domain: Domain, shedder: LoadShedder, swarm: SwarmSnapshot): void;
}

export function createMetrics(): CoordinatorMetrics {
  // One registry per coordinator, so several can live in one process (tests).
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    unitsAccepted: new Counter({ name: 'dpc_units_accepted_total', help: 'Units whose count was accepted', registers: [registry] }),
    numbersSieved: new Counter({ name: 'dpc_numbers_sieved_total', help: 'Numbers in accepted units', registers: [registry] }),
    leasesExpired: new Counter({ name: 'dpc_leases_expired_total', help: 'Leases reclaimed past their deadline', registers: [registry] }),
    socketsDropped: new Counter({
      name: 'dpc_sockets_dropped_total',
      help: 'Connections closed by the coordinator: no hello in time, refused, or not reading',
      labelNames: ['reason'],
      registers: [registry],
    }),
    observe: (domain, shedder, swarm) => observeDomain(registry, domain, shedder, swarm),
  };
}

function observeDomain(registry: Registry, domain: Domain, shedder: LoadShedder, swarm: SwarmSnapshot): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge('dpc_volunteers', 'Connected volunteers (tabs and headless workers)', () => domain.volunteers.size);
  gauge('dpc_threads', 'Threads of volunteers taking work, each capped at MAX_THREADS_PER_VOLUNTEER', () => swarm.current().threads);
  gauge('dpc_leases_in_flight', 'Units leased and not yet reported', () => domain.leases.size);
  gauge('dpc_active_jobs', 'Jobs not yet finished', () => domain.active.size);
  gauge('dpc_event_loop_lag_ms', "The event loop's delay, 99th percentile over the last 250 ms", () => shedder.lag);
  gauge('dpc_lease_requests_shed', 'Lease requests answered "throttled, retry later" because the loop was behind', () => shedder.shed);
  gauge('dpc_lease_cap', 'The most leases in flight the load shedder lets grants bring about (+Inf: no cap)', () => shedder.cap);
  gauge('dpc_quarantined_volunteers', 'Volunteers caught reporting wrong counts', () => domain.quarantined.size);
  gauge('dpc_trusted_volunteers', 'Connected trusted volunteers (worker token or trusted network)', () =>
    [...domain.volunteers.values()].filter((v) => v.trusted).length,
  );
  gauge('dpc_quarantined_networks', 'Networks refused work after one of their volunteers was caught', () =>
    [...domain.trust.quarantinedNetworks.values()].filter((until) => until > domain.now()).length,
  );
}
