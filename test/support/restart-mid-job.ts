/**
 * The sequence every crash test shares: a coordinator process on a fresh database, a job
 * submitted, one unit held (so the job cannot finish before the kill, however fast the
 * machine), a worker of two threads working until some chunks are done, SIGKILL, and a
 * second coordinator started on the same database and port.
 */
import type { JobView } from '../../shared/api.js';
import {
  getJob,
  health,
  holdOneUnit,
  spawnCoordinator,
  spawnWorker,
  tempDir,
  waitFor,
  type ChildHandle,
  type CoordinatorProcess,
} from './harness.js';

export interface RestartedMidJob extends AsyncDisposable {
  jobId: string;
  /** The job's view from the first coordinator just before the kill. */
  before: JobView;
  /** The job's view from the restarted coordinator as soon as it listens, before any worker is back. */
  restored: JobView;
  /** The restarted coordinator: the same database and API port. */
  coordinator: CoordinatorProcess;
  /** The worker that worked before the kill; it has reconnected to the restarted coordinator. */
  worker: ChildHandle;
}

export interface MidJob {
  /** The coordinators' environment besides DATA_DIR (a fresh directory) and API_PORT. */
  env: Record<string, string>;
  /** Submits the job to the first coordinator; returns its id. */
  submit: (apiUrl: string) => Promise<string>;
  /** The job's kind, as a volunteer declares it (the held unit must be one of its units). */
  kind: string;
  /** Chunks done before the kill. */
  chunksDone: number;
  timeoutMs: number;
}

export async function restartMidJob(job: MidJob): Promise<RestartedMidJob> {
  const data = tempDir();
  const env = { ...job.env, DATA_DIR: data.path };
  const resources: AsyncDisposable[] = [];
  const dispose = async (): Promise<void> => {
    for (const resource of resources.reverse()) await resource[Symbol.asyncDispose]();
    data[Symbol.dispose]();
  };
  try {
    const first = await spawnCoordinator(env);
    resources.push(first);
    const jobId = await job.submit(first.apiUrl);
    // Taken before the worker starts, or the worker may take every unit first. The held unit
    // dies with its connection when the coordinator is killed.
    resources.push(await holdOneUnit(first.apiUrl, [job.kind]));
    const worker = spawnWorker(first.apiUrl, 2);
    resources.push(worker);
    const before = await waitFor(
      `${job.chunksDone} chunks done`,
      async () => {
        const view = await getJob(first.apiUrl, jobId);
        return view.progress.completed >= job.chunksDone ? view : undefined;
      },
      job.timeoutMs,
    );
    first.child.kill('SIGKILL');
    const code = await first.exited();
    if (code !== null) throw new Error(`the coordinator exited with ${code} instead of dying by SIGKILL`);

    const coordinator = await spawnCoordinator({ ...env, API_PORT: new URL(first.apiUrl).port });
    resources.push(coordinator);
    const restored = await getJob(coordinator.apiUrl, jobId);
    await waitFor('the worker to reconnect', async () => ((await health(coordinator.apiUrl)).workers === 1 ? true : undefined), job.timeoutMs);
    return { jobId, before, restored, coordinator, worker, [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
