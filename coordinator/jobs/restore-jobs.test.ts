import { describe, expect, it } from 'vitest';
import { JobState } from '../../shared/api.js';
import { combinatorialParams } from '../../shared/kinds/combinatorial/job-kind.js';
import { loadConfig } from '../config.js';
import { trustPolicy } from '../trust/trust-state.js';
import { createDomain } from '../domain.js';
import type { ChunkRecord, JobRecord } from '../model.js';
import { MemoryJobStore } from '../store/memory-store.js';
import { restoreJobs } from './restore-jobs.js';

function domainOver(store: MemoryJobStore) {
  return createDomain({
    store,
    policy: { unitSize: 100, leaseTimeoutMs: 60_000, maxAttempts: 3 },
    trust: trustPolicy(loadConfig({})),
    events: { jobChanged: () => {}, workAvailable: () => {}, unitAccepted: () => {}, leasesRevoked: () => {} },
    now: () => 1_000_000,
    random: () => 0.5,
  });
}

function storedCombinatorialJob(params: JobRecord['params']): { record: JobRecord; chunks: ChunkRecord[] } {
  const record: JobRecord = {
    id: '00000000-0000-4000-8000-000000000001',
    kind: 'combinatorial',
    params,
    chunks: 1,
    state: JobState.Progress,
    createdAt: 0,
    startedAt: 0,
    finishedAt: undefined,
    completedChunks: 0,
    answer: undefined,
    verifiedBy: undefined,
    error: undefined,
  };
  const chunks: ChunkRecord[] = [{ jobId: record.id, index: 0, lo: 1, hi: 8, accumulator: { runs: [] }, donePositions: 0 }];
  return { record, chunks };
}

describe('restoring jobs after a restart', () => {
  it('resumes a combinatorial job whose plan this coordinator cuts', () => {
    const store = new MemoryJobStore();
    const { record, chunks } = storedCombinatorialJob(combinatorialParams(10n ** 9n, 1));
    store.insertJob(record, chunks);
    const d = domainOver(store);
    expect(restoreJobs(d)).toBe(1);
    expect(d.jobs.get(record.id)?.state).toBe(JobState.Progress);
  });

  it('fails, and does not resume, a combinatorial job stored with another plan version', () => {
    const store = new MemoryJobStore();
    const { record, chunks } = storedCombinatorialJob({ ...combinatorialParams(10n ** 9n, 1), plan: 1 });
    store.insertJob(record, chunks);
    const d = domainOver(store);
    expect(restoreJobs(d)).toBe(0);
    expect(d.active.size).toBe(0);
    const failed = d.jobs.get(record.id);
    expect(failed?.state).toBe(JobState.Failure);
    expect(failed?.error).toMatch(/^cannot resume this job after an upgrade .*submit it again$/);
    expect(store.loadJobs().find((job) => job.record.id === record.id)?.record.state).toBe(JobState.Failure);
  });
});
