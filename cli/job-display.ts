/**
 * How a followed job is shown: a live bar with rate and ETA on a terminal (cli-progress),
 * one plain line per change when the output is piped, nothing but the final view with --json.
 */
import cliProgress from 'cli-progress';
import { JobState } from '../shared/api.js';
import { groupDigits, jobAnswer, jobQuestion, jobWidth } from '../shared/job-text.js';
import type { JobViewSeen } from './coordinator-client.js';

export interface JobDisplay {
  update(view: JobViewSeen): void;
  /** Shows the outcome; the caller decides the exit code. */
  finish(view: JobViewSeen): void;
  /** Leaves the terminal tidy when following stops before the job ends. */
  abort(): void;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Elapsed time since submission, numbers per second so far, and the time left at that pace. */
export function pace(view: JobViewSeen, now = Date.now()) {
  const end = view.finished_at === undefined ? now : Date.parse(view.finished_at);
  const elapsedSec = Math.max(0, (end - Date.parse(view.created_at)) / 1000);
  const share = view.progress.completed / view.progress.total;
  const ratePerSec = elapsedSec > 0 ? (jobWidth(view) * share) / elapsedSec : 0;
  const etaSec = share > 0 ? (elapsedSec * (1 - share)) / share : Infinity;
  return { elapsedSec, ratePerSec, etaSec };
}

function outcome(view: JobViewSeen): { line: string; toStderr: boolean } {
  if (view.state === JobState.Success && view.result) {
    return {
      line: `${view.n === undefined ? `${jobQuestion(view)}: ${jobAnswer(view.result)}` : `${jobAnswer(view.result)} primes up to ${groupDigits(view.n)}`} (${formatDuration(view.result.duration_sec)}, job ${view.job_id})`,
      toStderr: false,
    };
  }
  const verb = view.state === JobState.Revoked ? 'cancelled' : 'failed';
  return { line: `job ${view.job_id} ${verb}: ${view.error ?? 'no reason given'}`, toStderr: true };
}

export function jsonDisplay(): JobDisplay {
  return {
    update: () => {},
    finish: (view) => console.log(JSON.stringify(view)),
    abort: () => {},
  };
}

export function lineDisplay(): JobDisplay {
  let last = '';
  return {
    update(view) {
      const { completed, total } = view.progress;
      const key = `${view.state} ${completed}`;
      if (key === last) return;
      last = key;
      const { elapsedSec } = pace(view);
      console.log(`${view.state} ${completed}/${total} chunks (${Math.floor((100 * completed) / total)}%) after ${formatDuration(elapsedSec)}`);
    },
    finish(view) {
      const { line, toStderr } = outcome(view);
      (toStderr ? console.error : console.log)(line);
    },
    abort: () => {},
  };
}

export function barDisplay(stream: NodeJS.WriteStream = process.stdout): JobDisplay {
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {percentage}% | {value}/{total} chunks | {rate} | {elapsed} elapsed | ETA {eta_text} | {state}',
      barsize: 28,
      hideCursor: true,
      stream,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const payload = (view: JobViewSeen) => {
    const { elapsedSec, ratePerSec, etaSec } = pace(view);
    return {
      state: view.state,
      rate: `${compact.format(Math.round(ratePerSec))} numbers/s`,
      elapsed: formatDuration(elapsedSec),
      eta_text: view.progress.completed === 0 ? '?' : formatDuration(etaSec),
    };
  };
  return {
    update(view) {
      if (!started) {
        bar.start(view.progress.total, view.progress.completed, payload(view));
        started = true;
      } else {
        bar.update(view.progress.completed, payload(view));
      }
    },
    finish(view) {
      if (started) {
        bar.update(view.progress.completed, payload(view));
        bar.stop();
      }
      const { line, toStderr } = outcome(view);
      (toStderr ? console.error : console.log)(line);
    },
    abort() {
      if (started) bar.stop();
    },
  };
}

export function displayFor(json: boolean): JobDisplay {
  if (json) return jsonDisplay();
  return process.stdout.isTTY ? barDisplay() : lineDisplay();
}
