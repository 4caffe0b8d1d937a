import type { Channel, Severity } from '@app/contracts';

export interface AttachmentInput {
  readonly name: string;
  readonly contentType: string;
  readonly sizeBytes: number;
  /** Bytes to keep (email attachments); absent when the channel only sends a reference (photos). */
  readonly content: Buffer | null;
  /** Where the channel already keeps it (in-store photo references). */
  readonly externalLocation: string | null;
}

/**
 * One complaint, normalised, whatever door it came through: every channel consumer builds this and
 * calls ComplaintIntakeService.register, so one use case handles them all.
 */
export interface RegisterComplaintCommand {
  readonly channel: Channel;
  /** The channel's natural de-duplication key: the same key never yields a second complaint. */
  readonly dedupKey: string;
  readonly externalRef: string;
  /** Pre-assigned by the agent API, which answers with them before the complaint is stored. */
  readonly complaintId: string | null;
  readonly reference: string | null;
  readonly contact: {
    readonly phone: string | null;
    readonly email: string | null;
    readonly name: string | null;
    readonly loyaltyId: string | null;
  };
  readonly storeId: string | null;
  readonly category: string;
  readonly severity: Severity;
  readonly severityReason: string;
  readonly subject: string;
  readonly description: string;
  readonly firstResponderId: string | null;
  readonly firstRespondedAt: string | null;
  readonly receivedAt: string;
  readonly locale: string | null;
  readonly attachments: readonly AttachmentInput[];
  /** Email only: this message's id, kept so replies can be threaded onto the complaint. */
  readonly emailMessageId: string | null;
  readonly correlationId: string | null;
}

export interface AppendCustomerMessageCommand {
  readonly complaintId: string;
  readonly dedupKey: string;
  readonly channel: Channel;
  readonly subject: string;
  readonly body: string;
  readonly attachments: readonly AttachmentInput[];
  readonly receivedAt: string;
  readonly emailMessageId: string | null;
}

export type RegisterOutcome =
  | { readonly outcome: 'created'; readonly complaintId: string; readonly reference: string; readonly customerId: string }
  | { readonly outcome: 'duplicate'; readonly complaintId: string; readonly reference: string; readonly customerId: string };
