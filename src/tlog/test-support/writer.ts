// A writing process for the concurrency test (src/tlog/store.test.ts): inserts history rows
// in small transactions — some held open while others commit — and runs the sequencer
// between them, as a serving process does. Usage: writer.ts <postgres url> <rows>
import { openPostgres } from '../../db/connection.ts';
import { createLogKeys } from '../keys.ts';
import { sequenceOnce, signTreeHead } from '../store.ts';

const [url, rows] = process.argv.slice(2);
const db = await openPostgres(url!, { max: 6 });
const keys = createLogKeys(Buffer.alloc(32, 9), null);
const total = Number(rows);
const insert = (tx: { query: typeof db.query }, i: number) => tx.query(
  `insert into history (entity_type, entity_id, action, actor_role, reason) values ('user', gen_random_uuid(), 'signed_in', 'system', $1)`,
  [JSON.stringify({ pid: process.pid, i })]);
const writers = Array.from({ length: 4 }, (_, w) => (async () => {
  for (let i = w; i < total; i += 4) {
    await db.transaction(async (tx) => {
      await insert(tx, i);
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 5)); // committed later than rows with higher ids
    });
  }
})());
const sequencer = (async () => {
  let done = false;
  void Promise.all(writers).then(() => { done = true; });
  while (!done) {
    await sequenceOnce(db, keys, 50);
    await signTreeHead(db, keys.signer, new Date()).catch(() => null);
    await new Promise((r) => setTimeout(r, 3));
  }
})();
await Promise.all([...writers, sequencer]);
await db.close();
