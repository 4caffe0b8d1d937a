/**
 * The natural de-duplication key of a channel message (DESIGN §5): a re-delivered or re-sent message
 * has the same key as the first, so it yields the same complaint, never a second one.
 *
 * Normalisation, per part:
 * - every part is trimmed; an empty part is a programming error (the channel schemas forbid it);
 * - machine-issued ids keep their case: hotline call ids, email Message-IDs (angle brackets removed,
 *   as In-Reply-To and References quote them) and API idempotency keys;
 * - ids typed or read out by people lose their whitespace and are upper-cased: the store id and the
 *   receipt or ticket number, so `r 0042` and `R0042` are one ticket;
 * - `%` and `:` inside a part are percent-encoded, so the `:` between parts is never ambiguous.
 */

export interface DedupPartsByChannel {
  readonly hotline: { readonly callId: string };
  readonly email: { readonly messageId: string };
  readonly instore: { readonly storeId: string; readonly receiptOrTicketNumber: string };
  /** A complaint registered through the intake API with an Idempotency-Key. */
  readonly api: { readonly idempotencyKey: string };
}

export type DedupChannel = keyof DedupPartsByChannel;

function part(value: string, name: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new RangeError(`de-duplication key part "${name}" is empty`);
  return trimmed.replace(/%/g, '%25').replace(/:/g, '%3A');
}

function typedPart(value: string, name: string): string {
  return part(value.replace(/\s+/gu, '').toUpperCase(), name);
}

function messageIdPart(value: string): string {
  const trimmed = value.trim();
  const bare = trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
  return part(bare, 'messageId');
}

type DedupInput = {
  [K in DedupChannel]: { readonly channel: K; readonly parts: DedupPartsByChannel[K] };
}[DedupChannel];

function keyOf(input: DedupInput): string {
  switch (input.channel) {
    case 'hotline':
      return `hotline:${part(input.parts.callId, 'callId')}`;
    case 'email':
      return `email:${messageIdPart(input.parts.messageId)}`;
    case 'instore': {
      const store = typedPart(input.parts.storeId, 'storeId');
      return `instore:${store}:${typedPart(input.parts.receiptOrTicketNumber, 'receiptOrTicketNumber')}`;
    }
    case 'api':
      return `api:${part(input.parts.idempotencyKey, 'idempotencyKey')}`;
  }
}

/** `hotline:<callId>`, `email:<messageId>`, `instore:<STOREID>:<RECEIPT>` or `api:<idempotencyKey>`. */
export function dedupKey<TChannel extends DedupChannel>(
  channel: TChannel,
  parts: DedupPartsByChannel[TChannel],
): string {
  // The signature ties the parts to the channel for callers; TypeScript cannot narrow a generic
  // pair, so it is handed on as the equivalent union.
  return keyOf({ channel, parts } as DedupInput);
}
