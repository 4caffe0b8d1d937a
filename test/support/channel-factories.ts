/**
 * Test data for the three channel topics: JSON documents for the hotline and in-store topics, and
 * real RFC 5322 bytes for the email topic. Emails are composed by nodemailer's MailComposer; the few
 * shapes it does not produce (legacy charsets, hand-made MIME trees) are written out here, each with
 * the text a correct parser must find in it.
 */
import { randomInt, randomUUID } from 'node:crypto';
import iconv from 'iconv-lite';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { encode as encodeQuotedPrintable, wrap as wrapQuotedPrintable } from 'nodemailer/lib/qp';
import {
  HOTLINE_CALL_EXAMPLES,
  INSTORE_TICKET_EXAMPLES,
  type HotlineCallV1,
  type InstoreTicketV1,
} from '@app/contracts';

let sequence = 0;

function nextId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}-${randomUUID().slice(0, 8)}`;
}

/** The bytes a channel system would publish for a JSON document. */
export function channelMessage(document: unknown): Buffer {
  return Buffer.from(JSON.stringify(document), 'utf8');
}

// ---- JSON channels ----

/** A valid hotline call with a call id of its own; override what a test cares about. */
export function hotlineCall(overrides: Partial<HotlineCallV1> = {}): HotlineCallV1 {
  return { ...HOTLINE_CALL_EXAMPLES['telephony-minimal'], callId: nextId('call'), ...overrides };
}

/** A valid in-store ticket with a receipt number of its own; override what a test cares about. */
export function instoreTicket(overrides: Partial<InstoreTicketV1> = {}): InstoreTicketV1 {
  return {
    ...INSTORE_TICKET_EXAMPLES['receipt-phone-only'],
    receiptOrTicketNumber: nextId('R'),
    ...overrides,
  };
}

// ---- email: composed ----

export interface EmailOptions {
  readonly from?: string;
  readonly to?: string;
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  /** With angle brackets, as in the header. Unique per email unless given. */
  readonly messageId?: string;
  readonly date?: Date;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  readonly attachments?: readonly Mail.Attachment[];
  readonly headers?: Readonly<Record<string, string>>;
}

/** An email as built, with what a test needs to refer to it (e.g. to reply to it). */
export interface BuiltEmail {
  readonly raw: Buffer;
  /** With angle brackets, as in the header. */
  readonly messageId: string;
  readonly subject: string;
  readonly references: readonly string[];
}

export const EMAIL_DATE = new Date('2026-11-23T09:00:00.000Z');

function newMessageId(): string {
  return `<${nextId('msg')}@mail.customer.example>`;
}

/** A UTF-8 plain-text complaint email; every header and the body can be overridden. */
export async function plainEmail(overrides: EmailOptions = {}): Promise<BuiltEmail> {
  const messageId = overrides.messageId ?? newMessageId();
  const subject = overrides.subject ?? 'My kettle stopped working';
  const references = [...(overrides.references ?? [])];
  const options: Mail.Options = {
    from: overrides.from ?? 'Jane Doe <Jane.Doe@Customer.Example>',
    to: overrides.to ?? 'complaints@shop.example',
    subject,
    text: overrides.text ?? 'The kettle I bought last week stopped heating after two days.',
    messageId,
    // A fixed date, or MailComposer would write the time of the test run.
    date: overrides.date ?? EMAIL_DATE,
    ...(overrides.html === undefined ? {} : { html: overrides.html }),
    ...(overrides.inReplyTo === undefined ? {} : { inReplyTo: overrides.inReplyTo }),
    ...(references.length === 0 ? {} : { references }),
    ...(overrides.attachments === undefined ? {} : { attachments: [...overrides.attachments] }),
    ...(overrides.headers === undefined ? {} : { headers: { ...overrides.headers } }),
  };
  const raw = await new MailComposer(options).compile().build();
  return { raw, messageId, subject, references };
}

/** The customer's reply to an earlier email: In-Reply-To, References and a `Re:` subject. */
export async function replyEmail(original: BuiltEmail, overrides: EmailOptions = {}): Promise<BuiltEmail> {
  return plainEmail({
    subject: `Re: ${original.subject}`,
    text: 'Any news? I am still waiting for an answer.',
    inReplyTo: original.messageId,
    references: [...original.references, original.messageId],
    ...overrides,
  });
}

// ---- email: hand-written, for what MailComposer does not produce ----

/** A hand-written email and what a correct parser must make of it. */
export interface EmailFixture {
  readonly raw: Buffer;
  /** With angle brackets, as in the header. */
  readonly messageId: string;
  readonly expected: {
    readonly fromAddress: string;
    readonly fromName: string | null;
    readonly subject: string;
    readonly text: string;
    readonly localeHint: string | null;
  };
}

export interface FixtureOptions {
  /** With angle brackets. Unique per fixture unless given. */
  readonly messageId?: string;
}

const CRLF = '\r\n';

/** Header lines and body joined with CRLF; header lines must be ASCII, the body may be any bytes. */
function message(headers: readonly string[], body: Buffer | string): Buffer {
  const head = Buffer.from(`${headers.join(CRLF)}${CRLF}${CRLF}`, 'ascii');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body, 'ascii') : body]);
}

/** An RFC 2047 encoded word: `=?charset?B?...?=`. */
function encodedWord(text: string, charset: string): string {
  return `=?${charset}?B?${iconv.encode(text, charset).toString('base64')}?=`;
}

function quotedPrintable(text: string, charset: string): string {
  const lines = text.split('\n').join(CRLF);
  return wrapQuotedPrintable(encodeQuotedPrintable(iconv.encode(lines, charset)), 76).replace(/\r?\n/g, CRLF);
}

function base64Lines(content: Buffer): string {
  return (content.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

/** A GB2312 quoted-printable body with an RFC 2047 `=?GB2312?B?...?=` subject and sender name. */
export function gb2312QuotedPrintableEmail(options: FixtureOptions = {}): EmailFixture {
  const messageId = options.messageId ?? newMessageId();
  const subject = '我的电水壶坏了';
  const text = '您好：\n我上周在贵店购买的电水壶，用了两天就坏了。\n请尽快处理，谢谢！';
  const raw = message(
    [
      `From: ${encodedWord('张三', 'GB2312')} <Zhang.San@Example.CN>`,
      'To: complaints@shop.example',
      `Subject: ${encodedWord(subject, 'GB2312')}`,
      'Date: Mon, 23 Nov 2026 17:00:00 +0800',
      `Message-ID: ${messageId}`,
      'Content-Language: zh-CN',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=GB2312',
      'Content-Transfer-Encoding: quoted-printable',
    ],
    quotedPrintable(text, 'GB2312'),
  );
  return {
    raw,
    messageId,
    expected: { fromAddress: 'zhang.san@example.cn', fromName: '张三', subject, text, localeHint: 'zh-CN' },
  };
}

/** The attachment of utf8HtmlWithAttachmentEmail: an 8-byte PNG signature named `发票.png`. */
export const HTML_EMAIL_ATTACHMENT = {
  filename: '发票.png',
  contentType: 'image/png',
  content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
} as const;

/**
 * An HTML-only body in base64 UTF-8 beside a base64 attachment with an RFC 2231 UTF-8 file name, in
 * multipart/mixed: the body has no plain-text alternative, so it has to be converted to text.
 */
export function utf8HtmlWithAttachmentEmail(options: FixtureOptions = {}): EmailFixture {
  const messageId = options.messageId ?? newMessageId();
  const html =
    '<html><head><style>p { color: #333 }</style></head><body>' +
    '<p>Hello, the blender I ordered arrived <b>broken</b> — the jug is cracked.</p>' +
    '<p>Détails: order 4471, 价格 ¥299 😞</p>' +
    '<p><img src="cid:logo@shop.example" alt="logo">See <a href="https://shop.example/orders/4471">my order</a>.</p>' +
    '</body></html>';
  const boundary = '----=_Part_4471';
  const encodedName = encodeURIComponent(HTML_EMAIL_ATTACHMENT.filename);
  const body = [
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(html, 'utf8')),
    `--${boundary}`,
    `Content-Type: ${HTML_EMAIL_ATTACHMENT.contentType}; name*=UTF-8''${encodedName}`,
    `Content-Disposition: attachment; filename*=UTF-8''${encodedName}`,
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(HTML_EMAIL_ATTACHMENT.content),
    `--${boundary}--`,
    '',
  ].join(CRLF);
  const raw = message(
    [
      `From: ${encodedWord('Émile Zola', 'UTF-8')} <emile@customer.example>`,
      'To: complaints@shop.example',
      `Subject: ${encodedWord('Broken blender — commande 4471', 'UTF-8')}`,
      'Date: Mon, 23 Nov 2026 10:15:00 +0100',
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
    ],
    body,
  );
  return {
    raw,
    messageId,
    expected: {
      fromAddress: 'emile@customer.example',
      fromName: 'Émile Zola',
      subject: 'Broken blender — commande 4471',
      text:
        'Hello, the blender I ordered arrived broken — the jug is cracked.\n\n' +
        'Détails: order 4471, 价格 ¥299 😞\n\n' +
        'See my order [https://shop.example/orders/4471].',
      localeHint: null,
    },
  };
}

/** A Big5 (traditional Chinese) body sent as 8-bit bytes, with a Big5 encoded-word subject. */
export function big5Email(options: FixtureOptions = {}): EmailFixture {
  const messageId = options.messageId ?? newMessageId();
  const subject = '退貨問題';
  const text = '我要求退貨，商品有瑕疵。\n謝謝。';
  const raw = message(
    [
      'From: chen@customer.example.tw',
      'To: complaints@shop.example',
      `Subject: ${encodedWord(subject, 'Big5')}`,
      'Date: Tue, 24 Nov 2026 08:30:00 +0800',
      `Message-ID: ${messageId}`,
      'Content-Language: zh-TW',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=Big5',
      'Content-Transfer-Encoding: 8bit',
    ],
    iconv.encode(`${text.split('\n').join(CRLF)}${CRLF}`, 'Big5'),
  );
  return {
    raw,
    messageId,
    expected: { fromAddress: 'chen@customer.example.tw', fromName: null, subject, text, localeHint: 'zh-TW' },
  };
}

/** An ISO-8859-1 quoted-printable body with a `=?ISO-8859-1?Q?...?=` subject. */
export function iso88591Email(options: FixtureOptions = {}): EmailFixture {
  const messageId = options.messageId ?? newMessageId();
  const text = 'Bonjour,\nla machine à café est arrivée cassée. Merci de me rembourser.';
  const raw = message(
    [
      'From: =?ISO-8859-1?Q?Ren=E9e_Lef=E8vre?= <renee@customer.example.fr>',
      'To: complaints@shop.example',
      'Subject: =?ISO-8859-1?Q?R=E9clamation_machine_=E0_caf=E9?=',
      'Date: Tue, 24 Nov 2026 11:00:00 +0100',
      `Message-ID: ${messageId}`,
      'Content-Language: fr-FR',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=ISO-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
    ],
    quotedPrintable(text, 'ISO-8859-1'),
  );
  return {
    raw,
    messageId,
    expected: {
      fromAddress: 'renee@customer.example.fr',
      fromName: 'Renée Lefèvre',
      subject: 'Réclamation machine à café',
      text,
      localeHint: 'fr-FR',
    },
  };
}

/** A multipart/mixed complaint that forwards an earlier message as a nested message/rfc822 part. */
export function nestedRfc822Email(options: FixtureOptions = {}): EmailFixture {
  const messageId = options.messageId ?? newMessageId();
  const text = 'The order confirmed below never arrived. Please refund me.';
  const boundary = 'outer-boundary-7781';
  const forwarded = [
    'From: orders@shop.example',
    'To: sam@customer.example',
    'Subject: Order 7781 confirmed',
    'Date: Sun, 01 Nov 2026 12:00:00 +0000',
    'Message-ID: <order-7781@shop.example>',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Thank you for your order 7781. It will arrive within 3 days.',
  ].join(CRLF);
  const body = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    'Content-Type: message/rfc822',
    'Content-Disposition: attachment; filename="order-7781.eml"',
    '',
    forwarded,
    `--${boundary}--`,
    '',
  ].join(CRLF);
  const raw = message(
    [
      'From: Sam Patel <sam@customer.example>',
      'To: complaints@shop.example',
      'Subject: Fwd: Order 7781 confirmed',
      'Date: Wed, 25 Nov 2026 09:00:00 +0000',
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
    ],
    body,
  );
  return {
    raw,
    messageId,
    expected: {
      fromAddress: 'sam@customer.example',
      fromName: 'Sam Patel',
      subject: 'Fwd: Order 7781 confirmed',
      text,
      localeHint: null,
    },
  };
}

export interface CharsetEmailOptions extends FixtureOptions {
  /** Any charset iconv-lite knows, as it would appear in the header, e.g. `GBK`, `GB18030`, `Big5`. */
  readonly charset: string;
  readonly subject: string;
  /** Lines separated by `\n`; sent with CRLF. */
  readonly text: string;
  readonly transferEncoding: 'quoted-printable' | 'base64' | '8bit';
}

/** A text/plain email whose subject and body are both in the given charset. */
export function textEmailInCharset(options: CharsetEmailOptions): EmailFixture {
  const messageId = options.messageId ?? newMessageId();
  const bodyBytes = iconv.encode(options.text.split('\n').join(CRLF), options.charset);
  const body =
    options.transferEncoding === 'quoted-printable'
      ? quotedPrintable(options.text, options.charset)
      : options.transferEncoding === 'base64'
        ? base64Lines(bodyBytes)
        : bodyBytes;
  const raw = message(
    [
      'From: customer@customer.example',
      'To: complaints@shop.example',
      `Subject: ${encodedWord(options.subject, options.charset)}`,
      'Date: Thu, 26 Nov 2026 10:00:00 +0000',
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      `Content-Type: text/plain; charset=${options.charset}`,
      `Content-Transfer-Encoding: ${options.transferEncoding}`,
    ],
    body,
  );
  return {
    raw,
    messageId,
    expected: {
      fromAddress: 'customer@customer.example',
      fromName: null,
      subject: options.subject,
      text: options.text,
      localeHint: null,
    },
  };
}

/** A plain email with no Message-ID header, which MailComposer would always add. */
export function emailWithoutMessageId(): Buffer {
  return message(
    [
      'From: nobody-told-me@customer.example',
      'To: complaints@shop.example',
      'Subject: No id on this one',
      'Date: Wed, 25 Nov 2026 09:00:00 +0000',
      'Content-Type: text/plain; charset=utf-8',
    ],
    `The gateway lost the Message-ID header of this message.${CRLF}`,
  );
}

// ---- traffic: new complaints of now ----

/** A UK mobile number libphonenumber accepts as valid. */
export function ukMobile(): string {
  return `+44 740 ${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
}

/**
 * One channel message that is a new complaint received now, keyed as its channel keys it, for load:
 * its deadlines fall due in hours, so no timer fires while a run lasts.
 */
export async function newComplaintMessage(channel: 'hotline' | 'email' | 'instore'): Promise<{ key: string; value: Buffer }> {
  const storeId = `S${randomInt(1, 20)}`;
  switch (channel) {
    case 'hotline': {
      const call = hotlineCall({ callerNumber: ukMobile(), storeId, callStartedAt: new Date().toISOString() });
      return { key: call.callId, value: channelMessage(call) };
    }
    case 'instore': {
      const ticket = instoreTicket({ storeId, customer: { phone: ukMobile() }, occurredAt: new Date().toISOString() });
      return { key: `${ticket.storeId}/${ticket.receiptOrTicketNumber}`, value: channelMessage(ticket) };
    }
    case 'email': {
      const email = await plainEmail({ from: `Customer ${randomInt(0, 1e9)} <c${randomUUID().slice(0, 12)}@customer.example>`, date: new Date() });
      return { key: email.messageId, value: email.raw };
    }
  }
}
