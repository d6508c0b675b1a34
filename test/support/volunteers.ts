/**
 * In-process volunteers for trust tests: the shared lease loop over a real socket, from a
 * chosen client address (127.0.0.x stands for a network when NETWORK_PREFIX_V4=32), with a
 * compute pool that is honest, lies by a strategy, or fails.
 */
import { io } from 'socket.io-client';
import { Volunteer, type ComputePool, type VolunteerSocket } from '../../client/volunteer.js';
import type { JsonValue } from '../../shared/kinds/job-kind.js';
import { loadRangeKernel } from '../../shared/kinds/range-kernel.js';
import { sieveCountDescriptorSchema } from '../../shared/kinds/sieve-count/index.js';
import { TWIN_COUNT, type TwinCountResult } from '../../shared/kinds/twin-count/index.js';
import { toU64Json } from '../../shared/kinds/u64-json.js';
import { loadKernel } from '../../shared/sieve/index.js';

const kernel = await loadKernel();
const countPrimes = (lo: number, hi: number): number => kernel.countPrimes(lo, hi);
const twinKernel = await loadRangeKernel(TWIN_COUNT);

/** A twin-count unit's summary, true or with `offset` more pairs (still a well-formed result). */
function twinResult(unit: JsonValue, offset: number): TwinCountResult {
  const result = twinKernel.compute(unit) as TwinCountResult;
  return offset === 0 || result.first === null ? result : { ...result, twins: toU64Json(BigInt(result.twins) + BigInt(offset)) };
}

/** Which units a liar lies on (numbered from 1 in the order it computes them), and by how much. */
export interface LieStrategy {
  lieOn: (unitNumber: number) => boolean;
  /** Added to the true count; liars that collude use the same offset. */
  offset: number;
}

export const honest: LieStrategy = { lieOn: () => false, offset: 0 };
export const always = (offset = 1): LieStrategy => ({ lieOn: () => true, offset });
export const everyNth = (n: number, offset = 1): LieStrategy => ({ lieOn: (unit) => unit % n === 0, offset });
export const afterHonest = (units: number, offset = 1): LieStrategy => ({ lieOn: (unit) => unit > units, offset });

export interface PoolRecord {
  computed: number;
  lies: number;
}

/** The count of a sieve-count unit by the reference sieve. */
export function countSieveUnit(unit: JsonValue): number {
  const { lo, hi } = sieveCountDescriptorSchema.parse(unit);
  return countPrimes(lo, hi);
}

export function strategyPool(strategy: LieStrategy): ComputePool & { record: PoolRecord } {
  const record: PoolRecord = { computed: 0, lies: 0 };
  return {
    record,
    compute: async (kind, unit) => {
      record.computed++;
      const lie = strategy.lieOn(record.computed);
      if (lie) record.lies++;
      if (kind === TWIN_COUNT) return twinResult(unit, lie ? strategy.offset : 0);
      const { lo, hi } = sieveCountDescriptorSchema.parse(unit);
      return countPrimes(lo, hi) + (lie ? strategy.offset : 0);
    },
    resize: () => {},
    close: async () => {},
  };
}

export function failingPool(): ComputePool {
  return {
    compute: async () => {
      throw new Error('out of memory');
    },
    resize: () => {},
    close: async () => {},
  };
}

export interface TestVolunteer extends AsyncDisposable {
  volunteer: Volunteer;
  errors: string[];
  refusals: string[];
  /** Every volunteer id it was given (a quarantined volunteer is disconnected and forgets its id). */
  ids: Set<string>;
}

export function socketVolunteer(
  apiUrl: string,
  options: { localAddress: string; pool: ComputePool; name: string; token?: string; threads?: number },
): TestVolunteer {
  const socket: VolunteerSocket = io(apiUrl, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    // Passed through to the WebSocket transport (ws), which binds the client to this address.
    ...{ localAddress: options.localAddress },
  });
  const errors: string[] = [];
  const refusals: string[] = [];
  const ids = new Set<string>();
  const volunteer = new Volunteer({
    socket,
    pool: options.pool,
    kind: 'node',
    threads: options.threads ?? 1,
    name: options.name,
    idlePollMs: 100,
    ...(options.token === undefined ? {} : { token: options.token }),
    onChange: (stats) => {
      if (stats.volunteerId !== undefined) ids.add(stats.volunteerId);
    },
    onError: (message) => errors.push(message),
    onRefused: (error) => refusals.push(error.message),
  });
  return { volunteer, errors, refusals, ids, [Symbol.asyncDispose]: () => volunteer.stop() };
}

/** Disposes of all of them together. */
export function disposeAll(volunteers: TestVolunteer[]): AsyncDisposable {
  return { [Symbol.asyncDispose]: async () => void (await Promise.all(volunteers.map((v) => v.volunteer.stop()))) };
}
