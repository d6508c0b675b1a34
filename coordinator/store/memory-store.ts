import type { AcceptedUnit, ChunkRecord, JobRecord } from '../model.js';
import type { JobStore, StoredJob } from './job-store.js';

/** A JobStore that keeps everything in process memory (tests, and runs without DATA_DIR); it keeps copies, as a database would. */
export class MemoryJobStore implements JobStore {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly chunks = new Map<string, ChunkRecord[]>();
  private readonly units = new Map<string, AcceptedUnit[]>();

  insertJob(job: JobRecord, chunks: ChunkRecord[]): void {
    this.jobs.set(job.id, structuredClone(job));
    this.chunks.set(job.id, chunks.map((c) => structuredClone(c)));
    this.units.set(job.id, []);
  }

  updateJob(job: JobRecord): void {
    if (this.jobs.has(job.id)) this.jobs.set(job.id, structuredClone(job));
  }

  acceptUnit(unit: AcceptedUnit): void {
    this.units.get(unit.jobId)?.push(structuredClone(unit));
  }

  correctUnit(unit: AcceptedUnit): void {
    const units = this.units.get(unit.jobId) ?? [];
    const index = units.findIndex((u) => u.chunkIndex === unit.chunkIndex && u.lo === unit.lo);
    if (index >= 0) units[index] = structuredClone(unit);
  }

  unitsOfChunk(jobId: string, chunkIndex: number): AcceptedUnit[] {
    return (this.units.get(jobId) ?? [])
      .filter((u) => u.chunkIndex === chunkIndex)
      .sort((a, b) => a.lo - b.lo)
      .map((u) => structuredClone(u));
  }

  unconfirmedUnitsOf(volunteerId: string): AcceptedUnit[] {
    return [...this.units.values()]
      .flat()
      .filter((u) => !u.confirmed && u.volunteerIds.includes(volunteerId))
      .map((u) => structuredClone(u));
  }

  flushed(): Promise<void> {
    return Promise.resolve();
  }

  compactJob(jobId: string): void {
    this.chunks.delete(jobId);
    this.units.delete(jobId);
  }

  loadJobs(): StoredJob[] {
    return [...this.jobs.values()].map((record) => ({
      record: structuredClone(record),
      chunks: (this.chunks.get(record.id) ?? []).map((c) => structuredClone(c)),
    }));
  }

  deleteFinishedBefore(time: number): string[] {
    const deleted: string[] = [];
    for (const job of this.jobs.values()) {
      if (job.finishedAt !== undefined && job.finishedAt < time) deleted.push(job.id);
    }
    for (const id of deleted) {
      this.jobs.delete(id);
      this.compactJob(id);
    }
    return deleted;
  }

  close(): void {}
}
