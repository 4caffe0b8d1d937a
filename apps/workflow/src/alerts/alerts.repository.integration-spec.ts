import { createTestDatabase } from '@app/testing/infrastructure';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { WORKFLOW_MIGRATIONS } from '../migrations';
import { AlertStreamTable1763900900000 } from '../migrations/1763900900000-alert-stream-table';
import { AlertsRepository, type NewAlert } from './alerts.repository';

describe('The alert stream on the real database', () => {
  const alerts = new AlertsRepository();
  let database: { dataSource: DataSource; schema: string; drop: () => Promise<void> };

  afterEach(async () => {
    await database.drop();
  });

  async function newComplaint(dataSource: DataSource): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO complaints (id, reference, channel, store_id, category, severity, customer_id, state, received_at)
       VALUES ($1, 'C-TEST-0001', 'email', 'S001', 'product', 'normal', $2, 'new', now())`,
      [id, randomUUID()],
    );
    return id;
  }

  function alertFor(complaintId: string, dedupKey: string): NewAlert {
    return { dedupKey, kind: 'sla.breached', complaintId, storeId: 'S001', severity: 'normal', detail: { dedupKey }, at: new Date() };
  }

  async function streamIds(dataSource: DataSource): Promise<Array<{ streamId: string; dedupKey: string }>> {
    const rows = await alerts.after(dataSource.manager, '0', 1000);
    return rows.map((row) => ({ streamId: row.stream_id!, dedupKey: row.dedup_key }));
  }

  it('places alerts in the order they were committed, never behind a place already given', async () => {
    database = await createTestDatabase(WORKFLOW_MIGRATIONS);
    const { dataSource } = database;
    const complaintId = await newComplaint(dataSource);

    // The first alert's transaction takes its id first but commits last.
    const slow = dataSource.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    await alerts.insert(slow.manager, [alertFor(complaintId, 'slow')]);
    await dataSource.transaction((tx) => alerts.insert(tx, [alertFor(complaintId, 'fast-1'), alertFor(complaintId, 'fast-2')]));

    expect(await alerts.sequence(dataSource.manager)).toBe(2);
    const placedFirst = await streamIds(dataSource);
    expect(placedFirst.map((row) => row.dedupKey)).toEqual(['fast-1', 'fast-2']);

    await slow.commitTransaction();
    await slow.release();
    expect(await alerts.sequence(dataSource.manager)).toBe(1);
    expect(await alerts.sequence(dataSource.manager)).toBe(0);
    const placed = await streamIds(dataSource);
    expect(placed.map((row) => row.dedupKey)).toEqual(['fast-1', 'fast-2', 'slow']);
    // A reader that had the first two resumes after the last of them and meets the late one.
    const resumed = await alerts.after(dataSource.manager, placedFirst[1]!.streamId, 10);
    expect(resumed.map((row) => row.dedup_key)).toEqual(['slow']);
  });

  it('places an alert once: a duplicate insert and a rolled-back one leave nothing to place', async () => {
    database = await createTestDatabase(WORKFLOW_MIGRATIONS);
    const { dataSource } = database;
    const complaintId = await newComplaint(dataSource);
    await dataSource.transaction((tx) => alerts.insert(tx, [alertFor(complaintId, 'once')]));
    await dataSource.transaction((tx) => alerts.insert(tx, [alertFor(complaintId, 'once')]));
    await dataSource
      .transaction(async (tx) => {
        await alerts.insert(tx, [alertFor(complaintId, 'rolled-back')]);
        throw new Error('roll back');
      })
      .catch(() => undefined);

    expect(await alerts.sequence(dataSource.manager)).toBe(1);
    expect(await alerts.sequence(dataSource.manager)).toBe(0);
    expect((await streamIds(dataSource)).map((row) => row.dedupKey)).toEqual(['once']);
  });

  it('answers lists and acknowledgements with each alert’s place, or null before it has one', async () => {
    database = await createTestDatabase(WORKFLOW_MIGRATIONS);
    const { dataSource } = database;
    const complaintId = await newComplaint(dataSource);
    await dataSource.transaction((tx) => alerts.insert(tx, [alertFor(complaintId, 'placed')]));
    await alerts.sequence(dataSource.manager);
    await dataSource.transaction((tx) => alerts.insert(tx, [alertFor(complaintId, 'waiting')]));

    const listed = await alerts.list(dataSource.manager, 'open', 10);
    expect(listed.map((row) => [row.dedup_key, row.stream_id === null])).toEqual([
      ['waiting', true],
      ['placed', false],
    ]);
    const placed = listed.find((row) => row.dedup_key === 'placed')!;
    const acknowledged = await alerts.acknowledge(dataSource.manager, placed.id, 'ops-1', new Date());
    expect(acknowledged).toMatchObject({ id: placed.id, stream_id: placed.stream_id, status: 'acknowledged', acknowledged_by: 'ops-1' });
    expect(await alerts.acknowledge(dataSource.manager, '999999', 'ops-1', new Date())).toBeNull();
  });

  it('keeps the places given before the stream had tables of its own, and places what was waiting after them', async () => {
    const before = WORKFLOW_MIGRATIONS.filter((migration) => migration !== AlertStreamTable1763900900000);
    database = await createTestDatabase(before);
    const { dataSource } = database;
    const complaintId = await newComplaint(dataSource);
    await dataSource.query(
      `INSERT INTO alerts (dedup_key, kind, complaint_id, store_id, severity, detail, created_at)
       VALUES ('old-1', 'sla.breached', $1, 'S001', 'normal', '{}', now()), ('old-2', 'sla.breached', $1, 'S001', 'normal', '{}', now()),
              ('old-waiting', 'sla.breached', $1, 'S001', 'normal', '{}', now())`,
      [complaintId],
    );
    await dataSource.query(`UPDATE alerts SET stream_id = nextval('alerts_stream_id_seq') WHERE dedup_key IN ('old-1', 'old-2')`);
    const old = (await dataSource.query(`SELECT dedup_key, stream_id::text AS stream_id FROM alerts WHERE stream_id IS NOT NULL ORDER BY stream_id`)) as Array<{
      dedup_key: string;
      stream_id: string;
    }>;

    const runner = dataSource.createQueryRunner();
    await new AlertStreamTable1763900900000().up(runner);
    await runner.release();
    await dataSource.transaction((tx) => alerts.insert(tx, [alertFor(complaintId, 'new')]));
    expect(await alerts.sequence(dataSource.manager)).toBe(2);

    const placed = await streamIds(dataSource);
    expect(placed.slice(0, 2)).toEqual(old.map((row) => ({ streamId: row.stream_id, dedupKey: row.dedup_key })));
    expect(placed.map((row) => row.dedupKey)).toEqual(['old-1', 'old-2', 'old-waiting', 'new']);
  });
});
