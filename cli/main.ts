/**
 * `prime-counter`: submit and follow jobs from a terminal, and run the coordinator or a worker.
 * Exit codes: 0 success, 1 the job failed or was cancelled, 2 a usage error (or a request the
 * coordinator refused as invalid), 3 the coordinator could not be reached or refused the call.
 */
import 'dotenv/config';
import { ExitCode, UsageError, type Command } from './command.js';
import { cancelCommand, countCommand, jobsCommand, watchCommand } from './commands/client-commands.js';
import { coordinatorCommand, startCommand, workerCommand } from './commands/process-commands.js';
import { RequestError } from './coordinator-client.js';

const COMMANDS: Command[] = [countCommand, watchCommand, jobsCommand, cancelCommand, workerCommand, coordinatorCommand, startCommand];
const CLIENT_COMMANDS = new Set(['count', 'watch', 'jobs', 'cancel']);

function usage(only?: Command): string {
  const lines = (only ? [only] : COMMANDS).map((command) => {
    const shared = CLIENT_COMMANDS.has(command.name) ? ' [--url URL] [--token T] [--json]' : '';
    return `  prime-counter ${command.name} ${command.synopsis}${shared}`.replace(/ +$/, '') + `\n      ${command.summary}`;
  });
  const notes = only && !CLIENT_COMMANDS.has(only.name)
    ? []
    : [
        '',
        '--url defaults to COORDINATOR_URL, else http://localhost:8000; --token to API_TOKEN.',
        'Exit codes: 0 success, 1 job failed or cancelled, 2 usage error, 3 coordinator unreachable or refused.',
      ];
  return ['usage:', ...lines, ...notes].join('\n');
}

async function main(argv: string[]): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? ExitCode.Usage : ExitCode.Success;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`unknown command: ${name}\n${usage()}`);
    return ExitCode.Usage;
  }
  if (CLIENT_COMMANDS.has(command.name) && (rest.includes('--help') || rest.includes('-h'))) {
    console.log(usage(command));
    return ExitCode.Success;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${usage(command)}`);
      return ExitCode.Usage;
    }
    if (error instanceof RequestError) {
      console.error(error.message);
      return error.status === 400 ? ExitCode.Usage : ExitCode.Unavailable;
    }
    throw error;
  }
}

// Exit at once: idle keep-alive connections would hold the process for seconds. Writes to
// pipes, files and terminals are synchronous on POSIX, so nothing printed is lost.
process.exit(await main(process.argv.slice(2)));
