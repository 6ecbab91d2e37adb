// The one periodic loop under every scheduler and relay: runs never overlap, the interval is jittered
// so replicas drift apart, a failure is logged with its stack and counted, and stop() waits for the
// run in progress. A run may ask for another right away (more work waiting) by resolving to true.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Logger } from '@family/logger';

export interface PeriodicTaskOptions {
  /** Names the task in logs and metrics (`outbox-relay`, `recurring-expenses`, …). */
  name: string;
  /** Pause between runs; 0 means no timer (runs happen only through `kick` or `runNow`). */
  intervalMs: number;
  /** One run. Resolving to true asks for the next run at once (a full batch, say). */
  run: () => Promise<boolean | void>;
  logger: Logger;
  /** Spread of the interval: each pause is drawn from [interval × (1 − jitter), interval]. */
  jitter?: number;
  /** Run once right after start (catch up on what fell due while down); default true. */
  runAtStart?: boolean;
  /** Where runs and failures are counted; none → not exported. */
  registry?: Registry | undefined;
}

interface TaskMetrics {
  runs: Counter<'task' | 'outcome'>;
  seconds: Histogram<'task'>;
}

const metricsByRegistry = new WeakMap<Registry, TaskMetrics>();

function metricsFor(registry: Registry): TaskMetrics {
  let m = metricsByRegistry.get(registry);
  if (!m) {
    m = {
      runs: new Counter({
        name: 'periodic_task_runs_total',
        help: 'Runs of periodic tasks (schedulers, relays), by task and outcome (ok, failed)',
        labelNames: ['task', 'outcome'],
        registers: [registry],
      }),
      seconds: new Histogram({
        name: 'periodic_task_run_seconds',
        help: 'Duration of one run of a periodic task',
        labelNames: ['task'],
        buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 30],
        registers: [registry],
      }),
    };
    metricsByRegistry.set(registry, m);
  }
  return m;
}

export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly metrics: TaskMetrics | undefined;
  /** Runs that failed since start (tests and health read it). */
  failures = 0;

  constructor(private readonly options: PeriodicTaskOptions) {
    this.metrics = options.registry ? metricsFor(options.registry) : undefined;
  }

  get name(): string {
    return this.options.name;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.options.runAtStart ?? true) this.schedule(0);
    else this.scheduleNext();
  }

  /** Asks for a run soon: now when idle, right after the current run otherwise. */
  kick(): void {
    if (this.stopped) return;
    if (this.current) this.again = true;
    else this.schedule(0);
  }

  /**
   * Runs now, or right after the run in progress, and resolves when that run is over (whether it
   * failed or not: failures are logged and counted, not thrown). Works whether or not the task is
   * started, so tests and admin calls can drive it.
   */
  async runNow(): Promise<void> {
    while (this.current) await this.current;
    this.current = this.execute();
    await this.current;
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }

  /** No further runs; waits for the one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.current) {
        this.again = true;
        return;
      }
      this.current = this.execute();
    }, delayMs);
    this.timer.unref();
  }

  private scheduleNext(): void {
    const { intervalMs } = this.options;
    if (intervalMs <= 0) return;
    const jitter = Math.min(Math.max(this.options.jitter ?? 0.1, 0), 1);
    this.schedule(Math.round(intervalMs * (1 - jitter * Math.random())));
  }

  private async execute(): Promise<void> {
    let more = false;
    const end = this.metrics?.seconds.startTimer({ task: this.options.name });
    try {
      this.again = false;
      more = (await this.options.run()) === true;
      this.metrics?.runs.inc({ task: this.options.name, outcome: 'ok' });
    } catch (err) {
      this.failures++;
      this.metrics?.runs.inc({ task: this.options.name, outcome: 'failed' });
      this.options.logger.error({ err, task: this.options.name }, 'periodic task run failed');
    } finally {
      end?.();
      this.current = undefined;
    }
    if (more || this.again) this.schedule(0);
    else this.scheduleNext();
  }
}
