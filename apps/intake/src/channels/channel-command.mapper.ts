import { timestampInstant, type HotlineCallV1, type InstoreTicketV1 } from '@app/contracts';
import { dedupKey, deriveSeverity, identityKeys, normaliseContact, type PhoneRegion } from '@app/domain';
import type { AppendCustomerMessageCommand, AttachmentInput, RegisterComplaintCommand } from '../complaints/register-complaint.command';
import type { ParsedEmail } from './email/email-message.parser';
import { storableText, truncateText } from './storable-text.util';

/**
 * Channel documents → the one command of the use case. Pure: the clock and the default phone region
 * are passed in.
 */
export interface MappedComplaint {
  readonly command: RegisterComplaintCommand;
  /** How the customer is recognised across channels ('phone:+44…', 'email:…', 'loyalty:…'). */
  readonly identities: readonly string[];
}

const SUBJECT_LENGTH = 120;
// What complaint.received and complaint.customer_message_received carry; the full mail stays in Kafka.
const EVENT_SUBJECT_LENGTH = 500;
const EVENT_TEXT_LENGTH = 100_000;

/** The instant of a validated channel timestamp, as events write it. */
function isoInstant(timestamp: string): string {
  const instant = timestampInstant(timestamp);
  // The channel codecs refuse such documents; reaching this is a bug, not bad input.
  if (instant === null) throw new Error(`timestamp ${JSON.stringify(timestamp)} names no storable instant`);
  return instant.toISOString();
}

/** A subject for channels that send none: the description's first line, shortened on a word. */
export function subjectFrom(description: string): string {
  const firstLine = description.trim().split(/\r?\n/)[0] ?? '';
  if (firstLine.length <= SUBJECT_LENGTH) return firstLine;
  const cut = firstLine.slice(0, SUBJECT_LENGTH);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > 60 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

function contactOf(raw: { phone?: string | null; email?: string | null; loyaltyId?: string | null; name?: string | null }, region: PhoneRegion) {
  const normalised = normaliseContact({ phone: raw.phone, email: raw.email, loyaltyId: raw.loyaltyId ? storableText(raw.loyaltyId) : null }, region);
  const contact = { ...normalised, name: storableText(raw.name ?? '').trim() || null };
  return { contact, identities: identityKeys(normalised) };
}

export interface HotlinePreassigned {
  readonly complaintId: string | null;
  readonly reference: string | null;
}

export function hotlineCallToCommand(
  call: HotlineCallV1,
  region: PhoneRegion,
  preassigned: HotlinePreassigned = { complaintId: null, reference: null },
): MappedComplaint {
  const { contact, identities } = contactOf({ phone: call.callerNumber, email: call.callerEmail, loyaltyId: call.loyaltyId }, region);
  const subject = storableText(call.subject ?? '').trim();
  const description = storableText(call.description).trim();
  const severity = deriveSeverity({ given: call.severity ?? null, category: call.category, text: `${subject}\n${description}` });
  const receivedAt = isoInstant(call.callStartedAt);
  return {
    identities,
    command: {
      channel: 'hotline',
      dedupKey: dedupKey('hotline', { callId: call.callId }),
      externalRef: call.callId,
      complaintId: preassigned.complaintId,
      reference: preassigned.reference,
      contact,
      storeId: call.storeId ?? null,
      category: call.category,
      severity: severity.severity,
      severityReason: severity.reason,
      subject: subject || subjectFrom(description),
      description,
      firstResponderId: call.agentId,
      // The agent is speaking with the customer: the first response is given as the call is taken.
      firstRespondedAt: receivedAt,
      receivedAt,
      locale: call.locale ?? null,
      attachments: [],
      emailMessageId: null,
      correlationId: null,
    },
  };
}

export function instoreTicketToCommand(ticket: InstoreTicketV1, region: PhoneRegion): MappedComplaint {
  const { contact, identities } = contactOf(ticket.customer, region);
  const description = storableText(ticket.description).trim();
  const receiptOrTicketNumber = storableText(ticket.receiptOrTicketNumber);
  const severity = deriveSeverity({ given: ticket.severity ?? null, category: ticket.category, text: description });
  const receivedAt = isoInstant(ticket.occurredAt);
  const attachments: AttachmentInput[] = (ticket.photos ?? []).map((photo, index) => ({
    name: `photo-${index + 1}`,
    contentType: photo.contentType ?? 'image/jpeg',
    sizeBytes: photo.sizeBytes ?? 0,
    content: null,
    externalLocation: photo.url ?? photo.storageKey ?? null,
  }));
  return {
    identities,
    command: {
      channel: 'instore',
      dedupKey: dedupKey('instore', { storeId: ticket.storeId, receiptOrTicketNumber }),
      externalRef: `${ticket.storeId}/${receiptOrTicketNumber}`,
      complaintId: null,
      reference: null,
      contact,
      storeId: ticket.storeId,
      category: ticket.category,
      severity: severity.severity,
      severityReason: severity.reason,
      subject: subjectFrom(description),
      description,
      firstResponderId: ticket.staffId,
      // The staff member heard the customer out in person when taking the ticket.
      firstRespondedAt: receivedAt,
      receivedAt,
      locale: ticket.locale ?? null,
      attachments,
      emailMessageId: null,
      correlationId: null,
    },
  };
}

export function emailAttachments(email: ParsedEmail): AttachmentInput[] {
  return email.attachments.map((attachment, index) => ({
    name: attachment.filename ?? `attachment-${index + 1}`,
    contentType: attachment.contentType,
    sizeBytes: attachment.sizeBytes,
    content: attachment.content,
    externalLocation: null,
  }));
}

/** A new complaint from an email: unowned until an agent claims it, so no first responder. */
export function emailToCommand(email: ParsedEmail, region: PhoneRegion, now: Date): MappedComplaint {
  const { contact, identities } = contactOf({ email: email.from.address, name: email.from.name }, region);
  const severity = deriveSeverity({ given: null, category: 'email', text: `${email.subject}\n${email.text}` });
  const description = truncateText(email.text.trim() || email.subject.trim(), EVENT_TEXT_LENGTH);
  return {
    identities,
    command: {
      channel: 'email',
      dedupKey: dedupKey('email', { messageId: email.messageId }),
      externalRef: email.messageId,
      complaintId: null,
      reference: null,
      contact,
      storeId: null,
      category: 'general',
      severity: severity.severity,
      severityReason: severity.reason,
      subject: truncateText(email.subject.trim() || subjectFrom(description), EVENT_SUBJECT_LENGTH),
      description,
      firstResponderId: null,
      firstRespondedAt: null,
      // A gateway may sit on mail for a while; the customer's clock starts when we received it.
      receivedAt: now.toISOString(),
      locale: email.localeHint,
      attachments: emailAttachments(email),
      emailMessageId: email.messageId,
      correlationId: null,
    },
  };
}

/** A reply that belongs to an existing complaint, appended to it rather than opening another. */
export function emailToCustomerMessage(email: ParsedEmail, complaintId: string, now: Date): AppendCustomerMessageCommand {
  return {
    complaintId,
    dedupKey: dedupKey('email', { messageId: email.messageId }),
    channel: 'email',
    subject: truncateText(email.subject, EVENT_SUBJECT_LENGTH),
    body: truncateText(email.text, EVENT_TEXT_LENGTH),
    attachments: emailAttachments(email),
    receivedAt: now.toISOString(),
    emailMessageId: email.messageId,
  };
}
