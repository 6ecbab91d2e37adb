import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createLogger, silentLogger } from '@family/logger';
import { PeriodicTask, type PeriodicTaskOptions } from '@family/service-kit';

/** A promise and the function that settles it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

// The test's own waits use the real timer, so a spy on the global one sees only the task's.
const realSetTimeout = globalThis.setTimeout;

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => realSetTimeout(r, 2));
  }
}

const pause = (ms: number) => new Promise((r) => realSetTimeout(r, ms));

describe('PeriodicTask', () => {
  const tasks: PeriodicTask[] = [];
  const task = (options: Partial<PeriodicTaskOptions> & Pick<PeriodicTaskOptions, 'run'>) => {
    const t = new PeriodicTask({ name: 'test-task', intervalMs: 0, logger: silentLogger(), ...options });
    tasks.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(tasks.splice(0).map((t) => t.stop()));
  });

  it('never runs twice at once, even when kicked during a run, and runs once more after the kicks', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    let release = gate();
    const t = task({
      run: async () => {
        runs++;
        running++;
        most = Math.max(most, running);
        await release.opened;
        running--;
      },
    });
    t.start();
    await until(() => runs === 1);
    t.kick();
    t.kick();
    t.kick();
    await pause(20);
    expect(runs).to.equal(1);
    const first = release;
    release = gate();
    first.open();
    await until(() => runs === 2);
    release.open();
    await t.idle();
    await pause(20);
    expect(runs).to.equal(2);
    expect(most).to.equal(1);
  });

  it('runs again at once when a run resolves true, and waits for the interval when it does not', async () => {
    let runs = 0;
    const t = task({ intervalMs: 60_000, run: async () => ++runs < 3 });
    t.start();
    await until(() => runs === 3);
    await pause(30);
    expect(runs).to.equal(3);
  });

  it('logs a failing run with its stack, counts it in the registry, and keeps running', async () => {
    const lines: Record<string, any>[] = [];
    const logger = createLogger('periodic-test', 'info', { write: (line: string) => lines.push(JSON.parse(line)) });
    const registry = new Registry();
    let runs = 0;
    const t = task({
      name: 'flaky-task',
      intervalMs: 5,
      jitter: 0,
      logger,
      registry,
      run: async () => {
        runs++;
        if (runs === 1) throw new Error('the store went away');
      },
    });
    t.start();
    await until(() => runs >= 3);
    await t.stop();

    expect(t.failures).to.equal(1);
    const failure = lines.find((l) => l.msg === 'periodic task run failed');
    expect(failure).to.include({ task: 'flaky-task', level: 50 });
    expect(failure!.err.message).to.equal('the store went away');
    expect(failure!.err.stack).to.match(/Error: the store went away\n\s+at /);

    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'periodic_task_runs_total')!;
    const count = (outcome: string) =>
      metric.values.find((v) => v.labels.task === 'flaky-task' && v.labels.outcome === outcome)?.value;
    expect(count('failed')).to.equal(1);
    expect(count('ok')).to.equal(runs - 1);
    expect(await registry.getSingleMetricAsString('periodic_task_runs_total')).to.contain(
      'periodic_task_runs_total{task="flaky-task",outcome="failed"} 1',
    );
  });

  it('waits in stop() for the run in progress, and starts no run after it', async () => {
    let runs = 0;
    const release = gate();
    const t = task({
      intervalMs: 5,
      jitter: 0,
      run: async () => {
        runs++;
        await release.opened;
      },
    });
    t.start();
    await until(() => runs === 1);
    let stopped = false;
    const stopping = t.stop().then(() => (stopped = true));
    t.kick();
    await pause(20);
    expect(stopped).to.equal(false);
    release.open();
    await stopping;
    await pause(30);
    expect(runs).to.equal(1);
  });

  it('draws each pause from [interval × (1 − jitter), interval]', async () => {
    const delays: number[] = [];
    const spy = ((fn: () => void, ms?: number) => {
      // Only the task's own timers: whatever else runs in the process (a client's reconnect timer
      // left by another suite) may set one meanwhile.
      if (ms && /service-kit\/src\/periodic\.task\./.test(new Error().stack ?? '')) delays.push(ms);
      return realSetTimeout(fn, ms);
    }) as typeof setTimeout;
    let runs = 0;
    const t = task({ intervalMs: 40, jitter: 0.5, run: async () => void runs++ });
    globalThis.setTimeout = spy;
    try {
      t.start();
      await until(() => runs >= 12, 5000);
      await t.stop();
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    expect(delays.length).to.be.at.least(11);
    for (const d of delays) expect(d).to.be.within(20, 40);
    expect(new Set(delays).size).to.be.greaterThan(1);
  });
});
