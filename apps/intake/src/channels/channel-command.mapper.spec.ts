import { hotlineCall, instoreTicket } from '@app/testing/channel-factories';
import { emailToCustomerMessage, hotlineCallToCommand, instoreTicketToCommand } from './channel-command.mapper';
import type { ParsedEmail } from './email/email-message.parser';

function parsedEmail(overrides: Partial<ParsedEmail> = {}): ParsedEmail {
  return {
    messageId: 'reply-1@mail.customer.example',
    messageIdSynthetic: false,
    from: { address: 'jane@customer.example', name: null },
    subject: 'Re: Kettle',
    inReplyTo: [],
    references: [],
    date: null,
    text: 'Any news?',
    textSource: 'plain',
    attachments: [],
    localeHint: null,
    sizeBytes: 100,
    ...overrides,
  };
}

describe('channel documents to commands', () => {
  it('reads a leap second as the last millisecond before it', () => {
    const { command } = hotlineCallToCommand(hotlineCall({ callStartedAt: '2016-12-31T23:59:60Z' }), 'GB');
    expect(command.receivedAt).toBe('2016-12-31T23:59:59.999Z');
    const ticket = instoreTicketToCommand(instoreTicket({ occurredAt: '2016-12-31T23:59:60.5+00:00' }), 'GB');
    expect(ticket.command.receivedAt).toBe('2016-12-31T23:59:59.999Z');
  });

  it('drops NUL characters, which PostgreSQL text refuses, from what it stores', () => {
    const { command } = hotlineCallToCommand(hotlineCall({ subject: 'Ket\u0000tle', description: 'Bro\u0000ken.' }), 'GB');
    expect(command).toMatchObject({ subject: 'Kettle', description: 'Broken.' });
    const ticket = instoreTicketToCommand(instoreTicket({ receiptOrTicketNumber: 'R-1\u00002', customer: { name: 'Ja\u0000ne', phone: '07911 123456' } }), 'GB');
    expect(ticket.command).toMatchObject({ externalRef: 'S007/R-12', contact: { name: 'Jane' } });
  });

  it('replaces lone surrogates, which jsonb refuses, with U+FFFD', () => {
    const { command } = hotlineCallToCommand(hotlineCall({ description: 'Kettle \ud83d broken' }), 'GB');
    expect(command.description).toBe('Kettle \ufffd broken');
  });

  it('shortens a long reply to what complaint.customer_message_received carries, never splitting a character', () => {
    const message = emailToCustomerMessage(parsedEmail({ subject: 's'.repeat(499) + '😞', text: 'x'.repeat(99_999) + '😞😞' }), 'c0ffee00-0000-4000-8000-000000000000', new Date('2026-11-23T10:00:00Z'));
    expect(message.subject).toBe('s'.repeat(499));
    expect(message.body).toBe('x'.repeat(99_999));
    expect(message).toMatchObject({ channel: 'email', receivedAt: '2026-11-23T10:00:00.000Z', emailMessageId: 'reply-1@mail.customer.example' });
  });
});
