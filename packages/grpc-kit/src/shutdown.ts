// SIGTERM/SIGINT handling for main.ts: run the steps in order (stop serving, drain, close stores),
// then exit. A second signal, or a step that hangs past the deadline, exits at once. Installed before
// anything starts, `steps` may be a function: the steps of what has started by the time a signal comes.
import type { Logger } from '@family/logger';

export interface ShutdownStep {
  name: string;
  run(): Promise<void>;
}

export interface Shutdown {
  /** A signal came: what starts from now on is stopped by whoever started it. */
  readonly begun: boolean;
}

export function installShutdown(
  logger: Logger,
  steps: ShutdownStep[] | (() => ShutdownStep[]),
  deadlineMs = 20_000,
): Shutdown {
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    let code = 0;
    for (const step of typeof steps === 'function' ? steps() : steps) {
      try {
        logger.info({ step: step.name }, 'stopping');
        await step.run();
      } catch (err) {
        code = 1;
        logger.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    logger.info('stopped');
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return {
    get begun() {
      return shuttingDown;
    },
  };
}
