import { createHash } from 'node:crypto';
import { compile as compileHtmlToText } from 'html-to-text';
import { simpleParser, type AddressObject, type Attachment, type EmailAddress, type ParsedMail } from 'mailparser';
import type { DecodeResult } from '@app/contracts';
import { normaliseEmail } from '@app/domain';
import { storableText } from '../storable-text.util';

/**
 * Turns the raw RFC 5322 bytes the email gateway publishes on `complaints.channel.email` into what
 * intake needs of a message. All MIME work (structure, transfer encodings, charsets such as GB2312,
 * GBK, GB18030, Big5 and ISO-8859-1 through iconv-lite, RFC 2047 headers) is mailparser's; this file
 * only chooses what to keep, bounds the work a hostile message can cause, and names the failures.
 */

/** Larger messages are refused unparsed, as `too_large`. */
export const EMAIL_MAX_BYTES = 25 * 1024 * 1024;
/** More attachments (inline images and embedded messages included) are refused as `too_many_attachments`. */
export const EMAIL_MAX_ATTACHMENTS = 100;
/**
 * More MIME parts, at any depth, are refused as `too_many_attachments` while parsing. This also bounds
 * the nesting depth, as every level is a part.
 */
export const EMAIL_MAX_MIME_PARTS = 250;
/** The largest header block of one MIME part; a larger one makes the message `unparseable_email`. */
export const EMAIL_MAX_HEADER_BYTES = 256 * 1024;
/** Only this many characters of an HTML body are converted to text; the rest is left out. */
export const EMAIL_MAX_HTML_CHARS = 2_000_000;
/** How deep into HTML element nesting text is looked for; deeper content is left out. */
export const EMAIL_MAX_HTML_DEPTH = 500;
/** Longer attachment names are shortened (keeping the extension): events carry names of up to 300. */
export const EMAIL_MAX_FILENAME_LENGTH = 255;

export type EmailParseFailureCode =
  | 'too_large'
  | 'unparseable_email'
  | 'no_sender'
  | 'no_text'
  | 'too_many_attachments';

/** What is said about an attachment: everything but its content, safe to log and to put in an event. */
export interface EmailAttachmentMetadata {
  /** As the sender named it (decoded); untrusted, never to be used as a path. */
  readonly filename: string | null;
  readonly contentType: string;
  readonly sizeBytes: number;
  /** Hex SHA-256 of the content: a content address for storage, and equal for equal files. */
  readonly sha256: string;
  readonly contentId: string | null;
  /** Shown within the body (an embedded image) rather than attached. */
  readonly inline: boolean;
}

/**
 * An attachment with its decoded content. The content travels on the object so intake can store it,
 * but serialising the object (`JSON.stringify`, and so every structured logger) gives the metadata
 * only: the bytes never end up in a log line or an event by accident.
 */
export class EmailAttachment implements EmailAttachmentMetadata {
  readonly filename: string | null;
  readonly contentType: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly contentId: string | null;
  readonly inline: boolean;

  constructor(
    metadata: EmailAttachmentMetadata,
    readonly content: Buffer,
  ) {
    this.filename = metadata.filename;
    this.contentType = metadata.contentType;
    this.sizeBytes = metadata.sizeBytes;
    this.sha256 = metadata.sha256;
    this.contentId = metadata.contentId;
    this.inline = metadata.inline;
  }

  toJSON(): EmailAttachmentMetadata {
    return {
      filename: this.filename,
      contentType: this.contentType,
      sizeBytes: this.sizeBytes,
      sha256: this.sha256,
      contentId: this.contentId,
      inline: this.inline,
    };
  }
}

export interface EmailSender {
  /** Lower-cased. */
  readonly address: string;
  readonly name: string | null;
}

export interface ParsedEmail {
  /**
   * The Message-ID without angle brackets. When the message has none (or an unusable one),
   * `<hex SHA-256 of the raw bytes>@sha256.invalid`: shaped like a Message-ID, on a domain that
   * cannot exist, and the same for the same bytes.
   */
  readonly messageId: string;
  /** True when messageId is that fallback: re-delivered bytes still match, a re-sent message does not. */
  readonly messageIdSynthetic: boolean;
  readonly from: EmailSender;
  /** Decoded and trimmed; empty when the message has none. */
  readonly subject: string;
  /** The ids In-Reply-To names, without angle brackets, in order. */
  readonly inReplyTo: readonly string[];
  /** The ids References names, without angle brackets, in order (oldest first, as sent). */
  readonly references: readonly string[];
  /** The Date header; null when missing or unparseable. */
  readonly date: Date | null;
  /** The plain text parts; when there are none, the HTML converted to text. Trimmed. */
  readonly text: string;
  readonly textSource: 'plain' | 'html' | 'none';
  readonly attachments: readonly EmailAttachment[];
  /** The first language of the Content-Language header, canonicalised (`zh-cn` → `zh-CN`). */
  readonly localeHint: string | null;
  readonly sizeBytes: number;
}

export type EmailParseResult = DecodeResult<ParsedEmail, EmailParseFailureCode>;

const convertHtml = compileHtmlToText({
  wordwrap: false,
  limits: { maxDepth: EMAIL_MAX_HTML_DEPTH, maxInputLength: EMAIL_MAX_HTML_CHARS },
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'script', format: 'skip' },
  ],
});

// complaint.received carries the Message-ID as its externalRef, of at most 300 characters. A longer id
// is treated as missing, so the message is known by the hash of its bytes instead.
const MESSAGE_ID_MAX_LENGTH = 300;
// A media type as RFC 6838 shapes it, short enough for the events' 200 characters.
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,99}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,99}$/;

function fail(code: EmailParseFailureCode, message: string): EmailParseResult {
  return { ok: false, error: { code, message } };
}

function normaliseMessageId(raw: string): string | null {
  const trimmed = raw.trim();
  const bracketed = /<([^<>]*)>/.exec(trimmed);
  const id = (bracketed === null ? trimmed : bracketed[1] ?? '').trim();
  if (id === '' || id.length > MESSAGE_ID_MAX_LENGTH || /[\s\u0000-\u001f\u007f]/.test(id)) return null;
  return id;
}

/** Every id of an In-Reply-To or References value: the bracketed ones, or bare tokens when none is. */
function messageIdList(raw: string | readonly string[] | undefined): string[] {
  const values = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  const ids: string[] = [];
  for (const value of values) {
    const bracketed = [...value.matchAll(/<([^<>]*)>/g)].map((match) => match[1] ?? '');
    const candidates = bracketed.length > 0 ? bracketed : value.split(/[\s,]+/);
    for (const candidate of candidates) {
      const id = normaliseMessageId(candidate);
      if (id !== null && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

function firstMailbox(from: AddressObject | undefined): EmailAddress | undefined {
  const queue = [...(from?.value ?? [])];
  for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
    if (entry.address !== undefined && entry.address !== '') return entry;
    queue.unshift(...(entry.group ?? []));
  }
  return undefined;
}

/** The Date header only when it parses: mailparser puts the time of parsing in place of a bad one. */
function headerDate(mail: ParsedMail): Date | null {
  const line = mail.headerLines.find((header) => header.key === 'date');
  if (line === undefined || mail.date === undefined) return null;
  const value = line.line
    .slice(line.line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
  return Number.isNaN(new Date(value).getTime()) ? null : mail.date;
}

function localeHint(mail: ParsedMail): string | null {
  const header = mail.headers.get('content-language');
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return null;
  const tag = value.split(',')[0]?.trim() ?? '';
  if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(tag) || tag.length > 35) return null;
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

function bodyText(mail: ParsedMail): Pick<ParsedEmail, 'text' | 'textSource'> {
  const plain = storableText(mail.text ?? '').trim();
  if (plain !== '') return { text: plain, textSource: 'plain' };
  // mailparser's own conversion is turned off (skipHtmlToText): it skips an HTML-only body that sits
  // in multipart/mixed beside attachments, and wraps lines at 80 characters. Here every HTML body is
  // converted the same way: no hard wrapping, no images, bounded input and depth.
  const html = typeof mail.html === 'string' ? mail.html.slice(0, EMAIL_MAX_HTML_CHARS) : '';
  const converted = html.trim() === '' ? '' : storableText(convertHtml(html)).trim();
  return converted === '' ? { text: '', textSource: 'none' } : { text: converted, textSource: 'html' };
}

/** A sender's file name, shortened on code points when too long, keeping a short extension. */
function boundedFilename(raw: string | undefined): string | null {
  const name = storableText(raw ?? '').trim();
  if (name === '') return null;
  const codePoints = Array.from(name);
  if (codePoints.length <= EMAIL_MAX_FILENAME_LENGTH) return name;
  const extension = /\.[^.\s]{1,16}$/u.exec(name)?.[0] ?? '';
  return `${codePoints.slice(0, EMAIL_MAX_FILENAME_LENGTH - Array.from(extension).length - 1).join('')}…${extension}`;
}

function toAttachment(attachment: Attachment): EmailAttachment {
  const contentType = attachment.contentType.toLowerCase();
  return new EmailAttachment(
    {
      filename: boundedFilename(attachment.filename),
      contentType: CONTENT_TYPE.test(contentType) ? contentType : 'application/octet-stream',
      sizeBytes: attachment.content.length,
      sha256: attachment.checksum,
      contentId: attachment.cid ?? null,
      inline: attachment.contentDisposition === 'inline' || attachment.related === true,
    },
    attachment.content,
  );
}

function isTooManyPartsError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as Error & { code?: unknown }).code === 'EMAXLEN' &&
    /child nodes/i.test(error.message)
  );
}

/**
 * Parses a raw email into a ParsedEmail, or names why it cannot become a complaint: `too_large`,
 * `too_many_attachments`, `unparseable_email`, `no_sender` (no usable From address) or `no_text`
 * (neither a subject nor any body text). Never rejects.
 */
export async function parseEmail(raw: Buffer): Promise<EmailParseResult> {
  if (raw.length > EMAIL_MAX_BYTES) {
    return fail('too_large', `email is ${raw.length} bytes, over the limit of ${EMAIL_MAX_BYTES}`);
  }
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      keepCidLinks: true,
      checksumAlgo: 'sha256',
      maxChildNodes: EMAIL_MAX_MIME_PARTS,
      maxHeadSize: EMAIL_MAX_HEADER_BYTES,
    });
  } catch (error) {
    if (isTooManyPartsError(error)) {
      return fail('too_many_attachments', `email has more than ${EMAIL_MAX_MIME_PARTS} MIME parts`);
    }
    return fail('unparseable_email', error instanceof Error ? error.message : 'the MIME parser failed');
  }

  if (mail.attachments.length > EMAIL_MAX_ATTACHMENTS) {
    return fail(
      'too_many_attachments',
      `email has ${mail.attachments.length} attachments, over the limit of ${EMAIL_MAX_ATTACHMENTS}`,
    );
  }

  const mailbox = firstMailbox(mail.from);
  const address = mailbox?.address === undefined ? null : normaliseEmail(storableText(mailbox.address));
  if (mailbox === undefined || address === null) {
    return fail('no_sender', mail.from === undefined ? 'email has no From header' : 'email has no usable From address');
  }

  const subject = storableText(mail.subject ?? '').trim();
  let body: Pick<ParsedEmail, 'text' | 'textSource'>;
  try {
    body = bodyText(mail);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'conversion failed';
    return fail('unparseable_email', `the HTML body could not be converted to text: ${reason}`);
  }
  const { text, textSource } = body;
  if (subject === '' && text === '') return fail('no_text', 'email has neither a subject nor any body text');

  const messageId = mail.messageId === undefined ? null : normaliseMessageId(mail.messageId);
  const name = storableText(mailbox.name).trim();
  return {
    ok: true,
    value: {
      messageId: messageId ?? `${createHash('sha256').update(raw).digest('hex')}@sha256.invalid`,
      messageIdSynthetic: messageId === null,
      from: { address, name: name === '' ? null : name },
      subject,
      inReplyTo: messageIdList(mail.inReplyTo),
      references: messageIdList(mail.references),
      date: headerDate(mail),
      text,
      textSource,
      attachments: mail.attachments.map(toAttachment),
      localeHint: localeHint(mail),
      sizeBytes: raw.length,
    },
  };
}
