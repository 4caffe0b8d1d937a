import { Injectable } from '@nestjs/common';
import { classifyFailure } from '@app/messaging';
import { DataSource } from 'typeorm';

/** An agent's Idempotency-Key with the request it came with and the complaint it would name. */
export interface IdempotencyClaim {
  readonly agentId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  readonly complaintId: string;
  readonly reference: string;
}

/** What a key already names: the request it first came with and that request's complaint. */
export interface StoredIdempotencyKey {
  readonly requestHash: string;
  readonly complaintId: string;
  readonly reference: string;
}

interface Pending {
  readonly claim: IdempotencyClaim;
  readonly resolve: (claimed: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/** Claims written in one statement at most: well within PostgreSQL's limits, and a short statement. */
const MAX_CLAIMS_PER_STATEMENT = 500;

/**
 * The API's Idempotency-Keys. Claims that arrive while one statement is on its way go together in the
 * next, one INSERT for all of them, so the API's one write per request costs the database a round
 * trip per busy moment rather than per request; a lone request still goes at once. Within a statement
 * the first claim of a key wins, as if they had come one after another.
 */
@Injectable()
export class IdempotencyKeys {
  private readonly queue: Pending[] = [];
  private writing = false;

  constructor(private readonly dataSource: DataSource) {}

  /** Stores the key for this claim's complaint; false when the key was already stored (by any request). */
  claim(claim: IdempotencyClaim): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ claim, resolve, reject });
      void this.write();
    });
  }

  async find(agentId: string, idempotencyKey: string): Promise<StoredIdempotencyKey | null> {
    const [row] = (await this.dataSource.query(
      'SELECT request_hash, complaint_id, reference FROM api_idempotency_keys WHERE agent_id = $1 AND idempotency_key = $2',
      [agentId, idempotencyKey],
    )) as Array<{ request_hash: string; complaint_id: string; reference: string }>;
    return row === undefined ? null : { requestHash: row.request_hash, complaintId: row.complaint_id, reference: row.reference };
  }

  private async write(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_CLAIMS_PER_STATEMENT);
        try {
          const claimed = await this.insert(group.map((pending) => pending.claim));
          for (const pending of group) pending.resolve(claimed.has(pending.claim.complaintId));
        } catch (error) {
          await this.settleAlone(group, error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /**
   * A statement of several claims failed. If the database or the network is at fault, every request
   * fails as it would have alone; otherwise each claim is tried alone, so only a claim at fault fails.
   */
  private async settleAlone(group: readonly Pending[], error: unknown): Promise<void> {
    if (group.length === 1 || classifyFailure(error) === 'transient') {
      for (const pending of group) pending.reject(error);
      return;
    }
    for (const pending of group) {
      try {
        pending.resolve((await this.insert([pending.claim])).has(pending.claim.complaintId));
      } catch (own) {
        pending.reject(own);
      }
    }
  }

  /** The complaint ids whose claims were stored. */
  private async insert(claims: readonly IdempotencyClaim[]): Promise<Set<string>> {
    const rows = (await this.dataSource.query(
      `INSERT INTO api_idempotency_keys (agent_id, idempotency_key, request_hash, complaint_id, reference)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::text[])
       ON CONFLICT (agent_id, idempotency_key) DO NOTHING RETURNING complaint_id`,
      [
        claims.map((claim) => claim.agentId),
        claims.map((claim) => claim.idempotencyKey),
        claims.map((claim) => claim.requestHash),
        claims.map((claim) => claim.complaintId),
        claims.map((claim) => claim.reference),
      ],
    )) as Array<{ complaint_id: string }>;
    return new Set(rows.map((row) => row.complaint_id));
  }
}
