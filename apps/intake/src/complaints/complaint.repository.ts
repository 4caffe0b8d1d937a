import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AttachmentInput, RegisterComplaintCommand } from './register-complaint.command';

/** Where each attachment will be kept: intake's own table for bytes, the channel's location otherwise. */
export function planAttachmentStorage(attachments: readonly AttachmentInput[]): StoredAttachment[] {
  return attachments.map((attachment) => ({
    name: attachment.name,
    contentType: attachment.contentType,
    sizeBytes: attachment.sizeBytes,
    storageKey: attachment.content !== null ? `intake-db:attachment_contents/${randomUUID()}` : attachment.externalLocation,
  }));
}

/** A complaint row as intake stores it. */
export interface ComplaintRow {
  id: string;
  reference: string;
  dedup_key: string;
  channel: 'hotline' | 'email' | 'instore';
  external_ref: string;
  customer_id: string;
  contact_phone: string | null;
  contact_email: string | null;
  contact_name: string | null;
  loyalty_id: string | null;
  store_id: string | null;
  category: string;
  severity: 'critical' | 'high' | 'normal' | 'low';
  severity_reason: string;
  subject: string;
  description: string;
  first_responder_id: string | null;
  first_responded_at: Date | null;
  received_at: Date;
  locale: string | null;
  status: string;
  owner_id: string | null;
  attachments: StoredAttachment[];
  created_at: Date;
}

/** What a new complaint gets besides its command: identity, reference, customer, stored attachments. */
export interface NewComplaint {
  readonly id: string;
  readonly reference: string;
  readonly customerId: string;
  readonly attachments: StoredAttachment[];
}

/** Enough of a stored complaint to answer a duplicate. */
export type ComplaintKey = Pick<ComplaintRow, 'id' | 'reference' | 'dedup_key' | 'customer_id'>;

export interface StoredAttachment {
  name: string;
  contentType: string;
  sizeBytes: number;
  storageKey: string | null;
}

export interface ComplaintListFilter {
  readonly phone?: string;
  readonly email?: string;
  readonly status?: string;
  readonly storeIds?: readonly string[];
  readonly ownerId?: string;
  readonly after?: { readonly receivedAt: string; readonly id: string };
  readonly limit: number;
}

const COMPLAINT_COLUMNS = `id, reference, dedup_key, channel, external_ref, customer_id, contact_phone, contact_email,
  contact_name, loyalty_id, store_id, category, severity, severity_reason, subject, description, first_responder_id,
  first_responded_at, received_at, locale, status, owner_id, attachments, created_at`;

/** Intake's tables, in SQL: every method runs in the caller's transaction (or manager). */
/** A change workflow announced to a complaint's lifecycle state or owner, as intake follows it. */
export interface WorkflowChange {
  readonly complaintId: string;
  readonly field: 'status' | 'owner_id';
  readonly value: string;
  readonly at: Date;
}

@Injectable()
export class ComplaintRepository {
  /**
   * The customer these identities belong to, creating one when none is known. Concurrent
   * transactions with the same new identity converge on one customer: the identity's primary key
   * makes the later one wait, then read the winner's customer.
   */
  async resolveCustomer(manager: EntityManager, identities: readonly string[]): Promise<string> {
    if (identities.length === 0) return this.insertCustomer(manager);
    const known = await this.customersOf(manager, identities);
    const existing = identities.map((identity) => known.get(identity)).find((id) => id !== undefined);
    const candidate = existing ?? (await this.insertCustomer(manager));
    const values = identities.flatMap((identity) => [identity, candidate]);
    const placeholders = identities.map((_, index) => `($${index * 2 + 1}, $${index * 2 + 2}::uuid)`).join(', ');
    await manager.query(
      `INSERT INTO customer_identities (identity, customer_id) VALUES ${placeholders} ON CONFLICT (identity) DO NOTHING`,
      values,
    );
    const settled = await this.customersOf(manager, identities);
    const chosen = identities.map((identity) => settled.get(identity)).find((id) => id !== undefined) ?? candidate;
    if (existing === undefined && chosen !== candidate) {
      // A concurrent transaction created this customer first under one of the identities: the ones
      // this transaction did insert join that customer, and the customer created here is dropped.
      await manager.query('UPDATE customer_identities SET customer_id = $1 WHERE customer_id = $2', [chosen, candidate]);
      await manager.query('DELETE FROM customers WHERE id = $1', [candidate]);
    }
    return chosen;
  }

  /**
   * Customers for a run of complaints, in order, as resolving them one after another would give:
   * an identity known (stored, or claimed by an earlier complaint of the run) names the customer,
   * and a complaint with none gets a new one. Returns null, having written nothing, when another
   * transaction claimed one of the new identities meanwhile: resolveCustomer settles such races
   * one complaint at a time.
   */
  async resolveCustomers(manager: EntityManager, identitiesPerComplaint: ReadonlyArray<readonly string[]>): Promise<string[] | null> {
    const owners = await this.customersOf(manager, [...new Set(identitiesPerComplaint.flat())]);
    const newCustomers: string[] = [];
    const claims = new Map<string, string>();
    const customers = identitiesPerComplaint.map((identities) => {
      const known = identities.map((identity) => owners.get(identity)).find((id) => id !== undefined);
      const customerId = known ?? randomUUID();
      if (known === undefined) newCustomers.push(customerId);
      for (const identity of identities) {
        if (owners.has(identity)) continue;
        owners.set(identity, customerId);
        claims.set(identity, customerId);
      }
      return customerId;
    });
    if (newCustomers.length === 0 && claims.size === 0) return customers;
    // In one order for every transaction, so two runs claiming the same identities wait rather than deadlock.
    const identities = [...claims.keys()].sort();
    // One statement for the new customers and their identities (the foreign key is checked at its end).
    const claimed = (await manager.query(
      `WITH new_customers AS (INSERT INTO customers (id) SELECT unnest($3::uuid[]))
       INSERT INTO customer_identities (identity, customer_id)
       SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT (identity) DO NOTHING RETURNING identity`,
      [identities, identities.map((identity) => claims.get(identity)), newCustomers],
    )) as unknown[];
    return claimed.length === identities.length ? customers : null;
  }

  private async customersOf(manager: EntityManager, identities: readonly string[]): Promise<Map<string, string>> {
    const rows = (await manager.query('SELECT identity, customer_id FROM customer_identities WHERE identity = ANY($1::text[])', [
      identities,
    ])) as Array<{ identity: string; customer_id: string }>;
    return new Map(rows.map((row) => [row.identity, row.customer_id]));
  }

  private async insertCustomer(manager: EntityManager): Promise<string> {
    const id = randomUUID();
    await manager.query('INSERT INTO customers (id) VALUES ($1)', [id]);
    return id;
  }

  /** Inserts the complaint unless its de-duplication key is taken; returns whether it was inserted. */
  async insertComplaint(manager: EntityManager, complaint: NewComplaint, command: RegisterComplaintCommand): Promise<boolean> {
    const inserted = await this.insertComplaints(manager, [{ complaint, command }]);
    return inserted.has(command.dedupKey);
  }

  /**
   * Inserts complaints in one statement, skipping those whose de-duplication key is taken (by a row
   * already stored or by an earlier one of the same list); returns the keys that were inserted.
   */
  async insertComplaints(
    manager: EntityManager,
    complaints: ReadonlyArray<{ complaint: NewComplaint; command: RegisterComplaintCommand }>,
  ): Promise<Set<string>> {
    if (complaints.length === 0) return new Set();
    const values: unknown[] = [];
    const tuples = complaints.map(({ complaint, command }) => {
      const base = values.length;
      values.push(
        complaint.id,
        complaint.reference,
        command.dedupKey,
        command.channel,
        command.externalRef,
        complaint.customerId,
        command.contact.phone,
        command.contact.email,
        command.contact.name,
        command.contact.loyaltyId,
        command.storeId,
        command.category,
        command.severity,
        command.severityReason,
        command.subject,
        command.description,
        command.firstResponderId,
        command.firstRespondedAt,
        command.receivedAt,
        command.locale,
        JSON.stringify(complaint.attachments),
      );
      const p = (index: number) => `$${base + index}`;
      // The first responder (hotline agent, store staff) owns the complaint from the start.
      return `(${p(1)}::uuid,${p(2)},${p(3)},${p(4)},${p(5)},${p(6)}::uuid,${p(7)},${p(8)},${p(9)},${p(10)},${p(11)},${p(12)},${p(13)},${p(14)},${p(15)},${p(16)},${p(17)},${p(18)}::timestamptz,${p(19)}::timestamptz,${p(20)},${p(21)}::jsonb,${p(17)})`;
    });
    const rows = (await manager.query(
      `INSERT INTO complaints (id, reference, dedup_key, channel, external_ref, customer_id, contact_phone, contact_email,
         contact_name, loyalty_id, store_id, category, severity, severity_reason, subject, description,
         first_responder_id, first_responded_at, received_at, locale, attachments, owner_id)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (dedup_key) DO NOTHING RETURNING dedup_key`,
      values,
    )) as Array<{ dedup_key: string }>;
    return new Set(rows.map((row) => row.dedup_key));
  }

  /**
   * Follows workflow's lifecycle and ownership for a run of its changes, with the outcome of applying
   * them one by one: a change applies unless a later one is already applied, so per complaint and field
   * the latest change wins (the last of equal instants). One statement for the whole run, so it needs
   * no transaction of its own.
   */
  async applyWorkflowChanges(manager: EntityManager, changes: readonly WorkflowChange[]): Promise<void> {
    const status = latestPerComplaint(changes.filter((change) => change.field === 'status'));
    const owner = latestPerComplaint(changes.filter((change) => change.field === 'owner_id'));
    const ids = [...new Set([...status.keys(), ...owner.keys()])];
    if (ids.length === 0) return;
    // A field follows a change only when it is at least as recent as the one it holds.
    const takesStatus = 'u.status_at IS NOT NULL AND (c.status_changed_at IS NULL OR c.status_changed_at <= u.status_at)';
    const takesOwner = 'u.owner_at IS NOT NULL AND (c.owner_changed_at IS NULL OR c.owner_changed_at <= u.owner_at)';
    await manager.query(
      `UPDATE complaints c SET
         status = CASE WHEN ${takesStatus} THEN u.status ELSE c.status END,
         status_changed_at = CASE WHEN ${takesStatus} THEN u.status_at ELSE c.status_changed_at END,
         owner_id = CASE WHEN ${takesOwner} THEN u.owner ELSE c.owner_id END,
         owner_changed_at = CASE WHEN ${takesOwner} THEN u.owner_at ELSE c.owner_changed_at END
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::timestamptz[]) AS u(id, status, status_at, owner, owner_at)
       WHERE c.id = u.id AND ((${takesStatus}) OR (${takesOwner}))`,
      [
        ids,
        ids.map((id) => status.get(id)?.value ?? null),
        ids.map((id) => status.get(id)?.at ?? null),
        ids.map((id) => owner.get(id)?.value ?? null),
        ids.map((id) => owner.get(id)?.at ?? null),
      ],
    );
  }

  async findByDedupKey(manager: EntityManager, dedupKey: string): Promise<ComplaintRow | null> {
    const rows = (await manager.query(`SELECT ${COMPLAINT_COLUMNS} FROM complaints WHERE dedup_key = $1`, [dedupKey])) as ComplaintRow[];
    return rows[0] ?? null;
  }

  /** The complaints already made under these de-duplication keys, by key. */
  async findByDedupKeys(manager: EntityManager, dedupKeys: readonly string[]): Promise<Map<string, ComplaintKey>> {
    if (dedupKeys.length === 0) return new Map();
    const rows = (await manager.query('SELECT id, reference, dedup_key, customer_id FROM complaints WHERE dedup_key = ANY($1::text[])', [
      dedupKeys,
    ])) as ComplaintKey[];
    return new Map(rows.map((row) => [row.dedup_key, row]));
  }

  async findByIdOrReference(manager: EntityManager, idOrReference: string): Promise<ComplaintRow | null> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrReference);
    const rows = (await manager.query(
      `SELECT ${COMPLAINT_COLUMNS} FROM complaints WHERE ${isUuid ? 'id = $1::uuid' : 'reference = upper($1)'}`,
      [idOrReference],
    )) as ComplaintRow[];
    return rows[0] ?? null;
  }

  async list(manager: EntityManager, filter: ComplaintListFilter): Promise<ComplaintRow[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(sql(`$${values.length}`));
    };
    if (filter.phone !== undefined) add((p) => `contact_phone = ${p}`, filter.phone);
    if (filter.email !== undefined) add((p) => `contact_email = ${p}`, filter.email);
    if (filter.status !== undefined) add((p) => `status = ${p}`, filter.status);
    if (filter.storeIds !== undefined) add((p) => `store_id = ANY(${p}::text[])`, filter.storeIds);
    if (filter.ownerId !== undefined) add((p) => `owner_id = ${p}`, filter.ownerId);
    if (filter.after !== undefined) {
      values.push(filter.after.receivedAt, filter.after.id);
      conditions.push(`(received_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    values.push(filter.limit);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return (await manager.query(
      `SELECT ${COMPLAINT_COLUMNS} FROM complaints ${where} ORDER BY received_at DESC, id DESC LIMIT $${values.length}`,
      values,
    )) as ComplaintRow[];
  }

  async countForCustomer(manager: EntityManager, customerId: string): Promise<number> {
    const [row] = (await manager.query('SELECT count(*)::int AS n FROM complaints WHERE customer_id = $1', [customerId])) as Array<{ n: number }>;
    return row?.n ?? 0;
  }

  /** Keeps the bytes of attachments that carry content; `stored` gives each its storage key. */
  async insertAttachmentContents(
    manager: EntityManager,
    complaintId: string,
    attachments: readonly AttachmentInput[],
    stored: readonly StoredAttachment[],
  ): Promise<void> {
    for (const [index, attachment] of attachments.entries()) {
      const storageKey = stored[index]?.storageKey;
      if (attachment.content === null || storageKey === undefined || storageKey === null) continue;
      await manager.query(
        `INSERT INTO attachment_contents (storage_key, complaint_id, name, content_type, size_bytes, content)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [storageKey, complaintId, attachment.name, attachment.contentType, attachment.sizeBytes, attachment.content],
      );
    }
  }

  async linkEmailMessage(manager: EntityManager, messageId: string, complaintId: string): Promise<void> {
    await this.linkEmailMessages(manager, [{ messageId, complaintId }]);
  }

  async linkEmailMessages(manager: EntityManager, links: ReadonlyArray<{ messageId: string; complaintId: string }>): Promise<void> {
    if (links.length === 0) return;
    await manager.query(
      `INSERT INTO email_thread_messages (message_id, complaint_id)
       SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT DO NOTHING`,
      [links.map((link) => link.messageId), links.map((link) => link.complaintId)],
    );
  }

  /** The complaint a mail belongs to: the first of its referenced Message-IDs that intake has seen. */
  async findThreadComplaint(manager: EntityManager, messageIds: readonly string[]): Promise<string | null> {
    if (messageIds.length === 0) return null;
    const rows = (await manager.query(
      'SELECT complaint_id FROM email_thread_messages WHERE message_id = ANY($1::text[]) LIMIT 1',
      [messageIds],
    )) as Array<{ complaint_id: string }>;
    return rows[0]?.complaint_id ?? null;
  }

  async insertCustomerMessage(
    manager: EntityManager,
    message: { id: string; complaintId: string; dedupKey: string; channel: string; subject: string; body: string; attachments: StoredAttachment[]; receivedAt: string },
  ): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO customer_messages (id, complaint_id, dedup_key, channel, subject, body, attachments, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
      [message.id, message.complaintId, message.dedupKey, message.channel, message.subject, message.body, JSON.stringify(message.attachments), message.receivedAt],
    )) as unknown[];
    return rows.length === 1;
  }
}

/** Per complaint, the latest of its changes: the last given of equal instants. */
function latestPerComplaint(changes: readonly WorkflowChange[]): Map<string, WorkflowChange> {
  const latest = new Map<string, WorkflowChange>();
  for (const change of changes) {
    const before = latest.get(change.complaintId);
    if (before === undefined || before.at.getTime() <= change.at.getTime()) latest.set(change.complaintId, change);
  }
  return latest;
}
