// A running import on a server (src/db/deferred-indexes.ts, markImportRunning): another process —
// a server starting up (`migrate`), another import — leaves the indexes its first load set aside
// to it while it runs, and builds them once it has died; a second run of the same import is
// refused while the first runs. Two connections to one PostgreSQL, as two processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb, runsOn } from '../../tests/db.ts';
import { type AppRecordStyle, appRecord } from '../../tests/import-records.ts';
import { openPostgres, type Db } from '../db/connection.ts';
import { ImportRunningError } from '../db/deferred-indexes.ts';
import { migrate } from '../db/migrate.ts';
import { type ImportSource, importFilings } from './import-filings.ts';

const STYLE: AppRecordStyle = {
  year: 2018, tag: '运行', pkg: 'running', address: '深圳市南山区科技园3号', principal: '孙运行', mobile: '13700137001', email: 'running', approvedAt: '2018-05-01',
};
const RECORDS = Array.from({ length: 12 }, (_, i) => appRecord(STYLE, i + 1, 1));

/** A source that stops after `pauseAfter` lines until `resume()`; `fail()` makes it throw there instead. */
function pausingSource(key: string, pauseAfter: number) {
  let go!: (ok: boolean) => void;
  const gate = new Promise<boolean>((r) => { go = r; });
  let paused!: () => void;
  const reached = new Promise<void>((r) => { paused = r; });
  const source: ImportSource = {
    key, fileName: 'running.ndjson', format: 'ndjson',
    async *lines(after) {
      for (let i = after; i < RECORDS.length; i++) {
        if (i === pauseAfter) {
          paused();
          if (!(await gate)) throw new Error('interrupted');
        }
        yield { line: i + 1, value: RECORDS[i] };
      }
    },
  };
  return { source, reached, resume: () => go(true), fail: () => go(false) };
}

const deferred = (db: Db) => db.query<{ name: string }>('select name from deferred_indexes order by name').then((r) => r.map((x) => x.name));
const hasIndex = async (db: Db, name: string) => (await db.query('select 1 from pg_indexes where indexname = $1', [name])).length > 0;

describe.runIf(runsOn('postgresql', 'a running import across processes'))('an import running in another process', () => {
  let t: TestDb;
  let other: Db;
  beforeAll(async () => {
    t = await testDatabase();
    other = await openPostgres(t.url!, { max: 2 });
  });
  afterAll(async () => { await other?.close(); await t?.close(); });

  it('keeps its set-aside indexes from a starting server, is not run twice, and leaves them to the next one once it died', async () => {
    const first = pausingSource('test:running', 6);
    const run = importFilings(t.db, t.sealer, first.source, { batchSize: 5, clock: () => new Date('2026-03-01T00:00:00Z') });
    run.catch(() => {});
    await first.reached; // the first batch committed, the import paused with its indexes set aside
    const aside = await deferred(t.db);
    expect(aside).toContain('services_name_bigrams');

    // A server starting up meanwhile (another process): migrate leaves them to the running import.
    await migrate(other);
    expect(await deferred(other)).toEqual(aside);
    expect(await hasIndex(other, 'services_name_bigrams')).toBe(false);

    // The same file run again meanwhile is refused, with nothing written.
    await expect(importFilings(other, t.sealer, pausingSource('test:running', 99).source, { batchSize: 5 })).rejects.toBeInstanceOf(ImportRunningError);

    // The import dies (its source fails): the next start-up builds them.
    first.fail();
    await expect(run).rejects.toThrow('interrupted');
    await migrate(other);
    expect(await deferred(other)).toEqual([]);
    expect(await hasIndex(other, 'services_name_bigrams')).toBe(true);

    // Run again, it continues row by row and finishes.
    const again = pausingSource('test:running', 99);
    const s = await importFilings(t.db, t.sealer, again.source, { batchSize: 5, clock: () => new Date('2026-03-01T00:00:00Z') });
    expect(s).toMatchObject({ services: 12, rejected: 0, lastLine: 12 });
  });

  it('a running import does not keep another import\'s set-aside indexes from being built', async () => {
    const running = pausingSource('test:running-2', 0);
    const run = importFilings(t.db, t.sealer, running.source, { batchSize: 5 });
    run.catch(() => {});
    await running.reached; // marked running, reading its first line
    // An index another import set aside before it died.
    const [died] = await t.db.query<{ id: string }>(
      `insert into imports (source_key, file_name, format, started_at, updated_at) values ('test:died', 'd.ndjson', 'ndjson', now(), now()) returning id`);
    await t.db.exec('drop index services_name_prefix');
    await t.db.query(`insert into deferred_indexes (table_name, name, kind, definition, import_id)
      values ('services', 'services_name_prefix', 'index', 'CREATE INDEX services_name_prefix ON public.services USING btree (lower(name) text_pattern_ops)', $1)`, [died!.id]);
    await migrate(other);
    expect(await hasIndex(other, 'services_name_prefix')).toBe(true);
    expect(await deferred(other)).toEqual([]);
    running.fail();
    await expect(run).rejects.toThrow('interrupted');
  });
});
