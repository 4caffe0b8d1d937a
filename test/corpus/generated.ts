/**
 * The corpus cases that must be big or deeply nested to mean anything: built on demand, so the
 * repository holds a few lines instead of megabytes and a run holds at most one of them at a time.
 * Each case states what must become of it exactly as the manifests do (see README.md).
 */
import { HOTLINE_CALL_MAX_BYTES, INSTORE_TICKET_MAX_BYTES, INSTORE_TICKET_MAX_PHOTOS } from '@app/contracts';
import { hotlineCall, instoreTicket } from '@app/testing/channel-factories';
import {
  EMAIL_MAX_ATTACHMENTS,
  EMAIL_MAX_BYTES,
  EMAIL_MAX_HEADER_BYTES,
  EMAIL_MAX_MIME_PARTS,
} from '../../apps/intake/src/channels/email/email-message.parser';

export type CorpusChannel = 'hotline' | 'instore' | 'email';

export interface GeneratedCase {
  readonly name: string;
  /** A dead-letter reason code, or `accepted`. */
  readonly expect: string;
  /** For accepted cases: the complaint's externalRef (call id, `store/receipt`, or Message-ID). */
  readonly externalRef?: string;
  readonly why: string;
  /** The message value; null is a Kafka tombstone. */
  build(): Buffer | null;
}

/** A case that reaches the consumer only because it travels gzip-compressed (see beyondBrokerLimitCases). */
export interface CompressedCase extends GeneratedCase {
  readonly compressed: true;
}

const MIB = 1024 * 1024;
/**
 * The broker's message.max.bytes (stack/kafka/server.properties.template) is 10 MiB per record batch.
 * Uncompressed cases stay 1 MiB under it, so their dead-letter record (the same bytes plus the reason
 * headers) still fits.
 */
export const BROKER_MESSAGE_MAX_BYTES = 10 * MIB;
const LARGEST_UNCOMPRESSED = BROKER_MESSAGE_MAX_BYTES - MIB;

const CRLF = '\r\n';

function json(document: unknown): Buffer {
  return Buffer.from(JSON.stringify(document), 'utf8');
}

/** A valid document padded with trailing spaces (JSON whitespace) to exactly `bytes`. */
function paddedTo(document: unknown, bytes: number): Buffer {
  const text = JSON.stringify(document);
  return Buffer.from(text + ' '.repeat(bytes - Buffer.byteLength(text)), 'utf8');
}

/** A document whose description alone makes it `bytes` long (it then breaks the schema as well). */
function withDescriptionOf(document: Record<string, unknown>, bytes: number): Buffer {
  const shell = Buffer.byteLength(JSON.stringify({ ...document, description: '' }));
  return json({ ...document, description: 'x'.repeat(bytes - shell) });
}

function nestedArrays(depth: number): Buffer {
  return Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);
}

function withExtraNesting(document: object, depth: number): Buffer {
  const text = JSON.stringify(document);
  return Buffer.from(`${text.slice(0, -1)},"extra":${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}}`);
}

function withExtraFields(document: object, count: number): Buffer {
  const extras = Array.from({ length: count }, (_, i) => `"f${i}":0`).join(',');
  return Buffer.from(`${JSON.stringify(document).slice(0, -1)},${extras}}`);
}

/** Cases of both JSON channels, around `base` (a valid document named after the case). */
function jsonCases(
  base: (name: string) => Record<string, unknown>,
  externalRefOf: (document: Record<string, unknown>) => string,
  maxBytes: number,
): GeneratedCase[] {
  return [
    {
      name: 'at-byte-limit',
      expect: 'accepted',
      why: `A valid document of exactly ${maxBytes} bytes: the limit itself is allowed.`,
      externalRef: externalRefOf(base('at-byte-limit')),
      build: () => paddedTo(base('at-byte-limit'), maxBytes),
    },
    {
      name: 'one-byte-over-limit',
      expect: 'too_large',
      why: `${maxBytes + 1} bytes: refused before it is decoded.`,
      build: () => paddedTo(base('one-byte-over-limit'), maxBytes + 1),
    },
    {
      name: 'four-byte-characters-over-limit',
      expect: 'too_large',
      why: '19,000 emoji: within the 20,000 characters the schema allows, but 76 KB on the wire.',
      build: () => json({ ...base('four-byte-characters-over-limit'), description: '😞'.repeat(19_000) }),
    },
    {
      name: 'one-mebibyte',
      expect: 'too_large',
      why: 'A 1 MiB document.',
      build: () => withDescriptionOf(base('one-mebibyte'), MIB),
    },
    {
      name: 'nine-mebibytes',
      expect: 'too_large',
      why: 'The largest document the broker takes while leaving room for its dead-letter headers.',
      build: () => withDescriptionOf(base('nine-mebibytes'), LARGEST_UNCOMPRESSED),
    },
    {
      name: 'description-over-20000-characters',
      expect: 'invalid_document',
      why: '20,001 characters of description, over the schema limit, in 20 KB.',
      build: () => json({ ...base('description-over-20000-characters'), description: 'd'.repeat(20_001) }),
    },
    {
      name: 'arrays-30000-deep',
      expect: 'invalid_document',
      why: '30,000 nested arrays in 60 KB: parsed without exhausting the stack, refused for not being an object.',
      build: () => nestedArrays(30_000),
    },
    {
      name: 'objects-10000-deep-in-extra-field',
      expect: 'invalid_document',
      why: 'A valid document with an extra field holding 10,000 nested objects: refused without walking them.',
      build: () => withExtraNesting(base('objects-10000-deep-in-extra-field'), 10_000),
    },
    {
      name: 'five-thousand-extra-fields',
      expect: 'invalid_document',
      why: 'Five thousand unknown fields: every one is an error, and the reason is cut to what a header holds.',
      build: () => withExtraFields(base('five-thousand-extra-fields'), 5_000),
    },
    {
      name: 'schema-version-with-60000-digits',
      expect: 'unknown_schema_version',
      why: 'A 60,000-digit version parses as Infinity: a number, and not 1.',
      build: () => Buffer.from(JSON.stringify(base('schema-version-with-60000-digits')).replace('"schemaVersion":1', `"schemaVersion":1${'0'.repeat(60_000)}`)),
    },
    {
      name: 'tombstone',
      expect: 'not_json',
      why: 'A Kafka tombstone: a record with no value at all.',
      build: () => null,
    },
  ];
}

function hotlineBase(name: string): Record<string, unknown> {
  return { ...hotlineCall({ callId: `corpus-h-${name}` }) };
}

function instoreBase(name: string): Record<string, unknown> {
  return { ...instoreTicket({ receiptOrTicketNumber: `corpus-i-${name}` }) };
}

// ---- email

function emailHeaders(name: string, contentType: string, extra: readonly string[] = []): string {
  return [
    `From: Corpus Customer <${name}@customer.example>`,
    'To: complaints@shop.example',
    `Subject: Complaint ${name.replace(/-/g, ' ')}`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    `Message-ID: <corpus-e-${name}@corpus.example>`,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    ...extra,
  ].join(CRLF);
}

function email(name: string, contentType: string, body: string, extra: readonly string[] = []): Buffer {
  return Buffer.from(`${emailHeaders(name, contentType, extra)}${CRLF}${CRLF}${body}`, 'utf8');
}

const TEXT_PART = `Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}The kettle broke after two days.`;

function withAttachments(name: string, count: number): Buffer {
  const attachments = Array.from(
    { length: count },
    (_, i) => `Content-Type: text/plain${CRLF}Content-Disposition: attachment; filename="f${i}.txt"${CRLF}${CRLF}file ${i}`,
  );
  const body = [TEXT_PART, ...attachments].map((part) => `--b${CRLF}${part}${CRLF}`).join('') + `--b--${CRLF}`;
  return email(name, 'multipart/mixed; boundary="b"', body);
}

function withInlineImages(name: string, count: number): Buffer {
  const html = `Content-Type: text/html; charset=utf-8${CRLF}${CRLF}<p>The kettle broke.</p>${Array.from({ length: count }, (_, i) => `<img src="cid:i${i}@corpus">`).join('')}`;
  const images = Array.from(
    { length: count },
    (_, i) => `Content-Type: image/png${CRLF}Content-ID: <i${i}@corpus>${CRLF}Content-Disposition: inline${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}iVBORw0KGgo=`,
  );
  const body = [html, ...images].map((part) => `--r${CRLF}${part}${CRLF}`).join('') + `--r--${CRLF}`;
  return email(name, 'multipart/related; boundary="r"', body);
}

function flatParts(name: string, count: number): Buffer {
  const body = Array.from({ length: count }, () => `--b${CRLF}${TEXT_PART}${CRLF}`).join('') + `--b--${CRLF}`;
  return email(name, 'multipart/mixed; boundary="b"', body);
}

/** `depth` multiparts, each holding the next, with the text at the bottom. */
function nestedMultiparts(name: string, depth: number): Buffer {
  const opening: string[] = [];
  const closing: string[] = [];
  for (let level = 1; level < depth; level += 1) {
    opening.push(`--n${level}${CRLF}Content-Type: multipart/mixed; boundary="n${level + 1}"${CRLF}${CRLF}`);
    closing.unshift(`${CRLF}--n${level}--${CRLF}`);
  }
  const body = `${opening.join('')}--n${depth}${CRLF}${TEXT_PART}${CRLF}--n${depth}--${CRLF}${closing.join('')}`;
  return email(name, 'multipart/mixed; boundary="n1"', body);
}

/** `depth` forwarded messages, each inside the one before. */
function nestedForwards(name: string, depth: number): Buffer {
  let inner = `From: inner@customer.example${CRLF}Subject: innermost${CRLF}${CRLF}The kettle broke.`;
  for (let level = 0; level < depth; level += 1) {
    inner = `From: fwd${level}@customer.example${CRLF}Subject: Fwd${CRLF}Content-Type: message/rfc822${CRLF}${CRLF}${inner}`;
  }
  return email(name, 'message/rfc822', inner);
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

/** An email whose one attachment makes it about `totalBytes` long on the wire. */
function withHugeAttachment(name: string, totalBytes: number, headerOverride?: (headers: string) => string): Buffer {
  // Base64 makes 57 bytes into 76 characters plus CRLF.
  const content = Buffer.alloc(Math.floor(((totalBytes - 4096) / 78) * 57), 0xa5);
  const body = [
    `--b${CRLF}${TEXT_PART}${CRLF}`,
    `--b${CRLF}Content-Type: application/octet-stream${CRLF}Content-Disposition: attachment; filename="dump.bin"${CRLF}`,
    `Content-Transfer-Encoding: base64${CRLF}${CRLF}${base64Lines(content)}${CRLF}--b--${CRLF}`,
  ].join('');
  const headers = emailHeaders(name, 'multipart/mixed; boundary="b"');
  return Buffer.from(`${headerOverride ? headerOverride(headers) : headers}${CRLF}${CRLF}${body}`, 'utf8');
}

function emailCases(): GeneratedCase[] {
  return [
    {
      name: `attachments-${EMAIL_MAX_ATTACHMENTS}`,
      expect: 'accepted',
      externalRef: `corpus-e-attachments-${EMAIL_MAX_ATTACHMENTS}@corpus.example`,
      why: `Exactly ${EMAIL_MAX_ATTACHMENTS} attachments: the limit itself is allowed.`,
      build: () => withAttachments(`attachments-${EMAIL_MAX_ATTACHMENTS}`, EMAIL_MAX_ATTACHMENTS),
    },
    {
      name: `attachments-${EMAIL_MAX_ATTACHMENTS + 1}`,
      expect: 'too_many_attachments',
      why: `One attachment over the limit of ${EMAIL_MAX_ATTACHMENTS}.`,
      build: () => withAttachments(`attachments-${EMAIL_MAX_ATTACHMENTS + 1}`, EMAIL_MAX_ATTACHMENTS + 1),
    },
    {
      name: `inline-images-${EMAIL_MAX_ATTACHMENTS + 1}`,
      expect: 'too_many_attachments',
      why: `${EMAIL_MAX_ATTACHMENTS + 1} images embedded in an HTML body: inline images count as attachments too.`,
      build: () => withInlineImages(`inline-images-${EMAIL_MAX_ATTACHMENTS + 1}`, EMAIL_MAX_ATTACHMENTS + 1),
    },
    {
      name: 'parts-1000-flat',
      expect: 'too_many_attachments',
      why: `1,000 sibling parts: parsing stops at ${EMAIL_MAX_MIME_PARTS}.`,
      build: () => flatParts('parts-1000-flat', 1_000),
    },
    {
      name: 'multipart-10000-deep',
      expect: 'too_many_attachments',
      why: `10,000 nested multiparts: every level is a part, so parsing stops at ${EMAIL_MAX_MIME_PARTS} levels.`,
      build: () => nestedMultiparts('multipart-10000-deep', 10_000),
    },
    {
      name: 'forwards-1000-deep',
      expect: 'accepted',
      externalRef: 'corpus-e-forwards-1000-deep@corpus.example',
      why: '1,000 message/rfc822 forwards, each inside the last: the outer one is kept as one opaque attachment and never parsed into, so depth costs nothing; the subject carries the complaint.',
      build: () => nestedForwards('forwards-1000-deep', 1_000),
    },
    {
      name: 'header-block-over-limit',
      expect: 'unparseable_email',
      why: `A header block over ${EMAIL_MAX_HEADER_BYTES} bytes: the parser refuses to buffer it.`,
      build: () => email('header-block-over-limit', 'text/plain', 'Kettle broken.', [`X-Padding: ${'a'.repeat(EMAIL_MAX_HEADER_BYTES)}`]),
    },
    {
      name: 'part-header-over-limit',
      expect: 'unparseable_email',
      why: 'The same inside a nested part, where a top-level check would not look.',
      build: () =>
        email(
          'part-header-over-limit',
          'multipart/mixed; boundary="b"',
          `--b${CRLF}X-Padding: ${'a'.repeat(EMAIL_MAX_HEADER_BYTES)}${CRLF}${TEXT_PART}${CRLF}--b--${CRLF}`,
        ),
    },
    {
      name: 'five-thousand-headers',
      expect: 'unparseable_email',
      why: `Five thousand short header lines in 94 KB: the parser counts each line as at least 64 bytes against the ${EMAIL_MAX_HEADER_BYTES}-byte limit, so many tiny lines cannot cost more than a big block.`,
      build: () =>
        email(
          'five-thousand-headers',
          'text/plain',
          'Kettle broken.',
          Array.from({ length: 5_000 }, (_, i) => `X-Trace-${i}: hop`),
        ),
    },
    {
      name: 'huge-attachment',
      expect: 'accepted',
      externalRef: 'corpus-e-huge-attachment@corpus.example',
      why: `A ${LARGEST_UNCOMPRESSED / MIB} MiB message (a 6.7 MiB attachment): under intake's ${EMAIL_MAX_BYTES / MIB} MiB, stored.`,
      build: () => withHugeAttachment('huge-attachment', LARGEST_UNCOMPRESSED),
    },
    {
      name: 'huge-attachment-without-sender',
      expect: 'no_sender',
      why: 'The same size without a From header: dead-lettered whole, original bytes and all.',
      build: () => withHugeAttachment('huge-attachment-without-sender', LARGEST_UNCOMPRESSED, (headers) => headers.replace(/^From: .*\r\n/, '')),
    },
    {
      name: 'html-20000-deep',
      expect: 'accepted',
      externalRef: 'corpus-e-html-20000-deep@corpus.example',
      why: '20,000 nested divs in an HTML-only body: text beyond the conversion depth is left out, the rest is kept.',
      build: () => email('html-20000-deep', 'text/html; charset=utf-8', `${'<div>'.repeat(20_000)}deep${'</div>'.repeat(20_000)}<p>Kettle broken.</p>`),
    },
    {
      name: 'body-of-150000-characters',
      expect: 'accepted',
      externalRef: 'corpus-e-body-of-150000-characters@corpus.example',
      why: 'A body longer than the 100,000 characters events carry: stored shortened, the full mail stays on the topic.',
      build: () => email('body-of-150000-characters', 'text/plain; charset=utf-8', `${'Kettle broken. '.repeat(10_000)}${CRLF}`),
    },
    {
      name: 'tombstone',
      expect: 'unparseable_email',
      why: 'A Kafka tombstone: a record with no value at all.',
      build: () => null,
    },
  ];
}

/** The generated cases of one channel, in a fixed order. */
export function generatedCases(channel: CorpusChannel): GeneratedCase[] {
  switch (channel) {
    case 'hotline':
      return jsonCases(hotlineBase, (call) => String(call['callId']), HOTLINE_CALL_MAX_BYTES);
    case 'instore':
      return [
        ...jsonCases(instoreBase, (ticket) => `${String(ticket['storeId'])}/${String(ticket['receiptOrTicketNumber'])}`, INSTORE_TICKET_MAX_BYTES),
        {
          name: 'three-thousand-photos',
          expect: 'invalid_document',
          why: `3,000 photos in 60 KB, over the ${INSTORE_TICKET_MAX_PHOTOS} allowed.`,
          build: () => json({ ...instoreBase('three-thousand-photos'), photos: Array.from({ length: 3_000 }, () => ({ storageKey: 'k' })) }),
        },
      ];
    case 'email':
      return emailCases();
  }
}

/**
 * Messages over the broker's 10 MiB that still reach the consumer, because the broker limits the
 * compressed batch and these compress well. Intake refuses each as too_large, but its dead-letter
 * record carries the original bytes uncompressed and is itself over the broker's limit, so the
 * dead-letter publish is retried for ever and the channel's consumer stops. Kept apart from the corpus
 * until dead-letter records are sent compressed.
 */
export function beyondBrokerLimitCases(): Array<{ channel: CorpusChannel } & CompressedCase> {
  return [
    {
      channel: 'email',
      name: 'over-25-mib-compressed',
      compressed: true,
      expect: 'too_large',
      why: `A ${(EMAIL_MAX_BYTES + MIB) / MIB} MiB email, over intake's ${EMAIL_MAX_BYTES / MIB} MiB, that gzip makes small.`,
      build: () => withHugeAttachment('over-25-mib-compressed', EMAIL_MAX_BYTES + MIB),
    },
    {
      channel: 'hotline',
      name: 'twelve-mebibytes-compressed',
      compressed: true,
      expect: 'too_large',
      why: 'A 12 MiB hotline call that gzip makes small.',
      build: () => withDescriptionOf(hotlineBase('twelve-mebibytes-compressed'), 12 * MIB),
    },
    {
      channel: 'instore',
      name: 'twelve-mebibytes-compressed',
      compressed: true,
      expect: 'too_large',
      why: 'A 12 MiB in-store ticket that gzip makes small.',
      build: () => withDescriptionOf(instoreBase('twelve-mebibytes-compressed'), 12 * MIB),
    },
  ];
}
