// Operator tool: lists a producer's parked events, or marks them for redrive (the running relays
// deliver them on their next pass).
//   DATABASE_URL=postgres://… DB_SCHEMA=goals node dist/redrive.cli.js list [subscriber]
//   DATABASE_URL=postgres://… DB_SCHEMA=goals node dist/redrive.cli.js redrive <subscriber> [event-id …]
import { createKysely, openSql } from '@family/db';
import { listParked, requestRedrive } from './parked.events.js';

const USAGE = 'usage: redrive.cli (list [subscriber] | redrive <subscriber> [event-id …]) with DATABASE_URL, DB_SCHEMA';

async function main(argv: string[]): Promise<number> {
  const [command, subscriber, ...eventIds] = argv;
  const databaseUrl = process.env.DATABASE_URL;
  const schema = process.env.DB_SCHEMA;
  if (!databaseUrl || !schema || !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    process.stderr.write(`DATABASE_URL and DB_SCHEMA (the producer's schema) are required\n${USAGE}\n`);
    return 2;
  }
  if (command !== 'list' && !(command === 'redrive' && subscriber)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const handle = await openSql({ databaseUrl, poolSize: 1 });
  try {
    const db = createKysely<unknown>(handle, schema);
    if (command === 'list') {
      for (const p of await listParked(db, subscriber)) {
        process.stdout.write(
          `${p.subscriber}\t${p.eventId}\t${p.eventType}\tattempts=${p.attempts}\tparked=${p.parkedAt.toISOString()}` +
            `${p.redriveRequested ? '\tredrive requested' : ''}\t${p.lastError ?? ''}\n`,
        );
      }
      return 0;
    }
    const queued = await requestRedrive(db, subscriber!, eventIds);
    process.stdout.write(`${queued} parked event(s) of ${subscriber} queued for redrive\n`);
    return queued > 0 || eventIds.length === 0 ? 0 : 1;
  } finally {
    await handle.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
