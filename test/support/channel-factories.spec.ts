import { decodeHotlineCall, decodeInstoreTicket } from '@app/contracts';
import {
  channelMessage,
  gb2312QuotedPrintableEmail,
  hotlineCall,
  instoreTicket,
  plainEmail,
  replyEmail,
  utf8HtmlWithAttachmentEmail,
} from './channel-factories';

function headerBlock(raw: Buffer): string {
  const text = raw.toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n'));
}

describe('channel factories', () => {
  it('make valid hotline calls, each with its own call id', () => {
    const [a, b] = [hotlineCall(), hotlineCall({ severity: 'high' })];
    expect(decodeHotlineCall(channelMessage(a))).toEqual({ ok: true, value: a });
    expect(decodeHotlineCall(channelMessage(b))).toEqual({ ok: true, value: b });
    expect(a.callId).not.toBe(b.callId);
  });

  it('make valid in-store tickets, each with its own receipt number', () => {
    const [a, b] = [instoreTicket(), instoreTicket({ customer: { email: 'jane@example.com' } })];
    expect(decodeInstoreTicket(channelMessage(a))).toEqual({ ok: true, value: a });
    expect(decodeInstoreTicket(channelMessage(b))).toEqual({ ok: true, value: b });
    expect(a.receiptOrTicketNumber).not.toBe(b.receiptOrTicketNumber);
  });

  it('compose emails with unique Message-IDs and a fixed date', async () => {
    const [a, b] = await Promise.all([plainEmail(), plainEmail()]);
    expect(a.messageId).not.toBe(b.messageId);
    expect(headerBlock(a.raw)).toContain(`Message-ID: ${a.messageId}`);
    expect(headerBlock(a.raw)).toContain('Date: Mon, 23 Nov 2026 09:00:00 +0000');
  });

  it('compose a reply that points at the original', async () => {
    const original = await plainEmail({ subject: 'Kettle' });
    const reply = await replyEmail(original);
    expect(reply.subject).toBe('Re: Kettle');
    expect(reply.references).toEqual([original.messageId]);
    expect(headerBlock(reply.raw)).toContain(`In-Reply-To: ${original.messageId}`);
  });

  it('write the legacy fixtures in 7-bit ASCII on the wire, with the claimed encodings', () => {
    const gb2312 = gb2312QuotedPrintableEmail({ messageId: '<fixed@x>' });
    expect(gb2312.messageId).toBe('<fixed@x>');
    expect([...gb2312.raw].every((byte) => byte < 0x80)).toBe(true);
    expect(headerBlock(gb2312.raw)).toContain('Content-Type: text/plain; charset=GB2312');
    const html = utf8HtmlWithAttachmentEmail();
    expect([...html.raw].every((byte) => byte < 0x80)).toBe(true);
    expect(html.raw.toString('ascii')).toContain('Content-Transfer-Encoding: base64');
  });
});
