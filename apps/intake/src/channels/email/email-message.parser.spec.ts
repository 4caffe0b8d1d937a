import { createHash } from 'node:crypto';
import {
  EMAIL_DATE,
  HTML_EMAIL_ATTACHMENT,
  big5Email,
  emailWithoutMessageId,
  gb2312QuotedPrintableEmail,
  iso88591Email,
  nestedRfc822Email,
  plainEmail,
  replyEmail,
  textEmailInCharset,
  utf8HtmlWithAttachmentEmail,
  type EmailFixture,
} from '@app/testing/channel-factories';
import {
  EMAIL_MAX_ATTACHMENTS,
  EMAIL_MAX_BYTES,
  EMAIL_MAX_FILENAME_LENGTH,
  EMAIL_MAX_HEADER_BYTES,
  EMAIL_MAX_MIME_PARTS,
  parseEmail,
  type ParsedEmail,
} from './email-message.parser';

async function parsed(raw: Buffer): Promise<ParsedEmail> {
  const result = await parseEmail(raw);
  if (!result.ok) throw new Error(`expected a parsed email, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function failureOf(raw: Buffer) {
  const result = await parseEmail(raw);
  if (result.ok) throw new Error(`expected a failure, parsed ${JSON.stringify(result.value)}`);
  return result.error;
}

function bareId(messageId: string): string {
  return messageId.replace(/^<|>$/g, '');
}

function rawEmail(lines: readonly string[], body = 'Body text.'): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}\r\n`, 'utf8');
}

describe('parseEmail', () => {
  describe('charsets and encodings', () => {
    it('decodes a GB2312 quoted-printable body with an RFC 2047 GB2312 subject', async () => {
      const fixture = gb2312QuotedPrintableEmail();
      // The fixture really is what it claims: legacy bytes, nothing readable as UTF-8.
      expect(fixture.raw.toString('latin1')).toContain('Subject: =?GB2312?B?');
      expect(fixture.raw.toString('latin1')).toContain('Content-Transfer-Encoding: quoted-printable');

      const email = await parsed(fixture.raw);
      expect(email.subject).toBe('我的电水壶坏了');
      expect(email.text).toBe('您好：\n我上周在贵店购买的电水壶，用了两天就坏了。\n请尽快处理，谢谢！');
      expect(email.textSource).toBe('plain');
      expect(email.from).toEqual({ address: 'zhang.san@example.cn', name: '张三' });
      expect(email.localeHint).toBe('zh-CN');
      expect(email.date).toEqual(new Date('2026-11-23T09:00:00.000Z'));
    });

    it('converts a base64 UTF-8 HTML-only body to text and keeps its attachment', async () => {
      const fixture = utf8HtmlWithAttachmentEmail();
      const email = await parsed(fixture.raw);
      expect(email.subject).toBe('Broken blender — commande 4471');
      expect(email.text).toBe(
        'Hello, the blender I ordered arrived broken — the jug is cracked.\n\n' +
          'Détails: order 4471, 价格 ¥299 😞\n\n' +
          'See my order [https://shop.example/orders/4471].',
      );
      expect(email.textSource).toBe('html');
      expect(email.from).toEqual({ address: 'emile@customer.example', name: 'Émile Zola' });

      expect(email.attachments).toHaveLength(1);
      const [attachment] = email.attachments;
      expect(attachment?.toJSON()).toEqual({
        filename: '发票.png',
        contentType: 'image/png',
        sizeBytes: HTML_EMAIL_ATTACHMENT.content.length,
        sha256: createHash('sha256').update(HTML_EMAIL_ATTACHMENT.content).digest('hex'),
        contentId: null,
        inline: false,
      });
      expect(attachment?.content.equals(HTML_EMAIL_ATTACHMENT.content)).toBe(true);
    });

    it.each<[string, () => EmailFixture]>([
      ['GB2312, quoted-printable', gb2312QuotedPrintableEmail],
      ['UTF-8 HTML, base64', utf8HtmlWithAttachmentEmail],
      ['Big5, 8-bit', big5Email],
      ['ISO-8859-1, quoted-printable', iso88591Email],
      ['multipart/mixed with a nested message/rfc822', nestedRfc822Email],
    ])('decodes the %s fixture exactly', async (_name, build) => {
      const fixture = build();
      const email = await parsed(fixture.raw);
      expect({
        fromAddress: email.from.address,
        fromName: email.from.name,
        subject: email.subject,
        text: email.text,
        localeHint: email.localeHint,
      }).toEqual(fixture.expected);
      expect(email.messageId).toBe(bareId(fixture.messageId));
    });

    it.each<[string, string, string, 'quoted-printable' | 'base64' | '8bit']>([
      ['GB2312', '投诉：服务态度差', '店员态度很差。\n希望改进。', 'base64'],
      // 镕 is in GBK but not in GB2312.
      ['GBK', '金属镕化', '锅底镕化了，冒烟。', 'quoted-printable'],
      // GB18030 encodes characters outside the BMP in four bytes.
      ['GB18030', '退款 😞', '𠀀 这个字也要正确。\n退款！', 'base64'],
      ['Big5', '服務態度', '店員態度很差。', 'quoted-printable'],
      ['ISO-8859-1', 'Réclamation', 'Le grille-pain ne chauffe plus. Ça ne va pas.', '8bit'],
      ['UTF-8', 'Жалоба', 'Чайник сломался через два дня.', 'base64'],
    ])('decodes %s (%s)', async (charset, subject, text, transferEncoding) => {
      const fixture = textEmailInCharset({ charset, subject, text, transferEncoding });
      const email = await parsed(fixture.raw);
      expect(email.subject).toBe(subject);
      expect(email.text).toBe(text);
    });

    it('keeps a forwarded message as an attachment and the outer text as the body', async () => {
      const email = await parsed(nestedRfc822Email().raw);
      expect(email.text).toBe('The order confirmed below never arrived. Please refund me.');
      expect(email.attachments.map((attachment) => attachment.toJSON())).toEqual([
        expect.objectContaining({ filename: 'order-7781.eml', contentType: 'message/rfc822', inline: false }),
      ]);
      expect(email.attachments[0]?.content.toString('utf8')).toContain('Subject: Order 7781 confirmed');
    });
  });

  describe('composed emails', () => {
    it('reads the headers of a plain email', async () => {
      const sent = await plainEmail({ from: '"Jane Doe" <Jane.Doe@Customer.example>', subject: '  Kettle  ' });
      const email = await parsed(sent.raw);
      expect(email).toMatchObject({
        messageId: bareId(sent.messageId),
        messageIdSynthetic: false,
        from: { address: 'jane.doe@customer.example', name: 'Jane Doe' },
        subject: 'Kettle',
        inReplyTo: [],
        references: [],
        date: EMAIL_DATE,
        text: 'The kettle I bought last week stopped heating after two days.',
        textSource: 'plain',
        attachments: [],
        localeHint: null,
        sizeBytes: sent.raw.length,
      });
    });

    it('prefers the plain text of a multipart/alternative email', async () => {
      const email = await parsed((await plainEmail({ text: 'Plain words.', html: '<p>HTML <b>words</b>.</p>' })).raw);
      expect(email).toMatchObject({ text: 'Plain words.', textSource: 'plain' });
    });

    it('converts HTML without line wrapping, leaving out scripts, styles and images', async () => {
      const long = 'word '.repeat(40).trim();
      const html =
        '<style>.x{}</style><script>alert("x")</script>' +
        `<h1>Broken</h1><p>${long}</p><img src="data:image/png;base64,AAAA" alt="photo">` +
        '<ul><li>one</li><li>two</li></ul>';
      const email = await parsed((await plainEmail({ text: '', html })).raw);
      expect(email.textSource).toBe('html');
      expect(email.text).toBe(`BROKEN\n\n${long}\n\n * one\n * two`);
    });

    it('reads In-Reply-To and References of a reply, without angle brackets', async () => {
      const first = await plainEmail();
      const second = await replyEmail(first);
      const third = await replyEmail(second, { text: 'Third message.' });
      const email = await parsed(third.raw);
      expect(email.subject).toBe(`Re: Re: ${first.subject}`);
      expect(email.inReplyTo).toEqual([bareId(second.messageId)]);
      expect(email.references).toEqual([bareId(first.messageId), bareId(second.messageId)]);
    });

    it('reports attachment metadata and keeps the bytes out of JSON', async () => {
      const content = Buffer.from('%PDF-1.4 receipt');
      const sent = await plainEmail({
        attachments: [
          { filename: 'receipt.pdf', content, contentType: 'application/pdf' },
          {
            filename: 'photo.jpg',
            content: Buffer.from([0xff, 0xd8, 0xff]),
            contentType: 'image/jpeg',
            cid: 'photo@x',
          },
        ],
        html: '<p>See <img src="cid:photo@x"></p>',
      });
      const email = await parsed(sent.raw);
      // In MIME tree order: the embedded image sits in multipart/related, before the attachment.
      expect(email.attachments.map((attachment) => attachment.toJSON())).toEqual([
        expect.objectContaining({ filename: 'photo.jpg', contentId: 'photo@x', inline: true, sizeBytes: 3 }),
        {
          filename: 'receipt.pdf',
          contentType: 'application/pdf',
          sizeBytes: content.length,
          sha256: createHash('sha256').update(content).digest('hex'),
          contentId: null,
          inline: false,
        },
      ]);
      expect(email.attachments[1]?.content.equals(content)).toBe(true);
      const json = JSON.stringify(email);
      expect(json).not.toContain('"content"');
      expect(json).not.toContain(content.toString('base64'));
      expect(JSON.parse(json)).toMatchObject({ attachments: [{ filename: 'photo.jpg' }, { filename: 'receipt.pdf' }] });
    });
  });

  describe('headers', () => {
    it('gives a message without Message-ID a deterministic id from its bytes, and flags it', async () => {
      const raw = emailWithoutMessageId();
      const first = await parsed(raw);
      const again = await parsed(Buffer.from(raw));
      const expectedId = `${createHash('sha256').update(raw).digest('hex')}@sha256.invalid`;
      expect(first).toMatchObject({ messageId: expectedId, messageIdSynthetic: true });
      expect(again.messageId).toBe(first.messageId);
      const other = await parsed(Buffer.concat([raw, Buffer.from('P.S.\r\n')]));
      expect(other.messageId).not.toBe(first.messageId);
    });

    it.each([
      ['<>', true],
      ['<with space@x>', true],
      ['  <abc@mail.example>  (gateway)', false],
      ['bare-id@mail.example', false],
    ])('reads Message-ID %j (synthetic: %s)', async (header, synthetic) => {
      const email = await parsed(rawEmail(['From: a@customer.example', 'Subject: s', `Message-ID: ${header}`]));
      expect(email.messageIdSynthetic).toBe(synthetic);
      if (!synthetic) expect(email.messageId).toMatch(/^(abc|bare-id)@mail\.example$/);
    });

    it('reads every id of In-Reply-To and References, however they are written', async () => {
      const email = await parsed(
        rawEmail([
          'From: a@customer.example',
          'Subject: s',
          'In-Reply-To: <one@x> (sent by gateway) <two@x>',
          'References: <zero@x>',
          '  <one@x>\t<one@x>',
        ]),
      );
      expect(email.inReplyTo).toEqual(['one@x', 'two@x']);
      expect(email.references).toEqual(['zero@x', 'one@x']);
    });

    it.each([
      ['missing', null],
      ['Date: the day before yesterday', null],
      ['Date: Thu, 26 Nov 2026 10:00:00 +0100', new Date('2026-11-26T09:00:00.000Z')],
    ])('reads the date when %s', async (dateHeader, expected) => {
      const headers = ['From: a@customer.example', 'Subject: s'];
      const email = await parsed(rawEmail(dateHeader === 'missing' ? headers : [...headers, dateHeader]));
      expect(email.date).toEqual(expected);
    });

    it.each([
      ['zh-cn', 'zh-CN'],
      ['en-GB, fr', 'en-GB'],
      ['zh-Hant-TW', 'zh-Hant-TW'],
      ['<script>', null],
      ['', null],
    ])('takes the locale hint from Content-Language %j', async (header, expected) => {
      const email = await parsed(rawEmail(['From: a@customer.example', 'Subject: s', `Content-Language: ${header}`]));
      expect(email.localeHint).toBe(expected);
    });

    it('takes the first mailbox of the From header, lower-cased', async () => {
      const email = await parsed(
        rawEmail(['From: Customers: "Big Al" <BIG.AL@Customer.Example>, b@x.example;', 'Subject: s']),
      );
      expect(email.from).toEqual({ address: 'big.al@customer.example', name: 'Big Al' });
    });
  });

  describe('failures', () => {
    it(`refuses more than ${EMAIL_MAX_BYTES} bytes without parsing them`, async () => {
      const huge = Buffer.alloc(EMAIL_MAX_BYTES + 1, 0x61);
      expect((await failureOf(huge)).code).toBe('too_large');
    });

    it.each([
      ['no From header', ['Subject: s']],
      ['a From header without an address', ['From: undisclosed-recipients:;', 'Subject: s']],
      ['a From address that is not one', ['From: Customer Service', 'Subject: s']],
    ])('reports no_sender for %s', async (_case, headers) => {
      expect((await failureOf(rawEmail(headers))).code).toBe('no_sender');
    });

    it('reports no_sender for bytes that are no email at all', async () => {
      expect((await failureOf(Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x0a, 0x0d]))).code).toBe('no_sender');
    });

    it('reports no_text for an email with neither subject nor body text', async () => {
      expect((await failureOf(rawEmail(['From: a@customer.example'], '  \r\n  ')))).toMatchObject({ code: 'no_text' });
      const onlyAttachment = await plainEmail({
        subject: '',
        text: '',
        attachments: [{ filename: 'x.bin', content: Buffer.from([1, 2, 3]) }],
      });
      expect((await failureOf(onlyAttachment.raw)).code).toBe('no_text');
    });

    it('accepts a subject without a body, and a body without a subject', async () => {
      expect(await parsed((await plainEmail({ subject: 'Kettle broken', text: '' })).raw)).toMatchObject({
        subject: 'Kettle broken',
        text: '',
        textSource: 'none',
      });
      expect(await parsed((await plainEmail({ subject: '', text: 'Kettle broken' })).raw)).toMatchObject({
        subject: '',
        text: 'Kettle broken',
      });
    });

    it(`reports too_many_attachments above ${EMAIL_MAX_ATTACHMENTS} attachments`, async () => {
      const attachments = (count: number) =>
        Array.from({ length: count }, (_, i) => ({ filename: `f${i}.txt`, content: `file ${i}` }));
      const atLimit = await plainEmail({ attachments: attachments(EMAIL_MAX_ATTACHMENTS) });
      expect((await parsed(atLimit.raw)).attachments).toHaveLength(EMAIL_MAX_ATTACHMENTS);
      const overLimit = await plainEmail({ attachments: attachments(EMAIL_MAX_ATTACHMENTS + 1) });
      const tooMany = await failureOf(overLimit.raw);
      expect(tooMany).toEqual({ code: 'too_many_attachments', message: expect.stringContaining('101') });
    });

    it(`stops parsing at more than ${EMAIL_MAX_MIME_PARTS} MIME parts, at any depth`, async () => {
      // Nested multiparts, each holding one empty part: deep and wide MIME abuse in a few kilobytes.
      let body = 'x';
      for (let level = EMAIL_MAX_MIME_PARTS; level > 0; level -= 1) {
        body = [
          `--b${level}`,
          'Content-Type: text/plain',
          '',
          '',
          `--b${level}`,
          `Content-Type: multipart/mixed; boundary="b${level + 1}"`,
          '',
          body,
          `--b${level}--`,
        ].join('\r\n');
      }
      const headers = ['From: a@customer.example', 'Subject: s', 'Content-Type: multipart/mixed; boundary="b1"'];
      const raw = rawEmail(headers, body);
      const started = process.hrtime.bigint();
      expect((await failureOf(raw)).code).toBe('too_many_attachments');
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5_000);
    });

    it(`reports unparseable_email for a header block over ${EMAIL_MAX_HEADER_BYTES} bytes`, async () => {
      const padding = `X-Padding: ${'a'.repeat(EMAIL_MAX_HEADER_BYTES)}`;
      const raw = rawEmail(['From: a@customer.example', 'Subject: s', padding]);
      expect((await failureOf(raw)).code).toBe('unparseable_email');
    });

    it('converts deeply nested HTML without failing or stalling', async () => {
      const html = `${'<div>'.repeat(20_000)}deep${'</div>'.repeat(20_000)}<p>Kettle broken.</p>`;
      const started = process.hrtime.bigint();
      const email = await parsed((await plainEmail({ text: '', html })).raw);
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5_000);
      expect(email.text).toContain('Kettle broken.');
    });
  });

  describe('what storage and events can hold', () => {
    function withAttachmentPart(partHeaders: readonly string[]): Buffer {
      const body = ['--b', 'Content-Type: text/plain', '', 'Kettle broken.', '--b', ...partHeaders, '', 'xx', '--b--'].join('\r\n');
      return rawEmail(['From: a@customer.example', 'Subject: s', 'Content-Type: multipart/mixed; boundary="b"'], body);
    }

    it('drops NUL characters from the subject, the body and the sender name', async () => {
      const raw = rawEmail(['From: =?utf-8?Q?Ja=00ne?= <a@customer.example>', 'Subject: =?utf-8?Q?Ket=00tle?='], 'Bro\u0000ken.');
      expect(await parsed(raw)).toMatchObject({ subject: 'Kettle', text: 'Broken.', from: { name: 'Jane' } });
    });

    it.each([
      ['longer than an event carries (300 characters)', `<${'x'.repeat(290)}@mail.example>`],
      ['with a control character', '<a\u0001b@mail.example>'],
    ])('treats a Message-ID %s as missing', async (_case, header) => {
      const email = await parsed(rawEmail(['From: a@customer.example', 'Subject: s', `Message-ID: ${header}`]));
      expect(email.messageIdSynthetic).toBe(true);
    });

    it(`shortens a file name over ${EMAIL_MAX_FILENAME_LENGTH} characters, keeping its extension`, async () => {
      const email = await parsed(withAttachmentPart(['Content-Type: image/jpeg', `Content-Disposition: attachment; filename="${'p'.repeat(400)}.jpeg"`]));
      const filename = email.attachments[0]?.filename ?? '';
      expect(Array.from(filename)).toHaveLength(EMAIL_MAX_FILENAME_LENGTH);
      expect(filename.endsWith('….jpeg')).toBe(true);
    });

    it('replaces a lone surrogate in a file name, which jsonb refuses', async () => {
      const email = await parsed(withAttachmentPart(['Content-Type: image/png', "Content-Disposition: attachment; filename*=utf-16le''%00%D8"]));
      expect(email.attachments[0]?.filename).toBe('\ufffd');
    });

    it.each([
      ['over 200 characters', `application/${'x'.repeat(300)}`],
      ['not a media type', 'kettle'],
      ['a media type with markup after it', 'image/png"><script>'],
    ])('stores an attachment whose media type is %s as application/octet-stream', async (_case, contentType) => {
      const email = await parsed(withAttachmentPart([`Content-Type: ${contentType}`, 'Content-Disposition: attachment; filename="a.bin"']));
      expect(email.attachments[0]?.contentType).toBe('application/octet-stream');
    });
  });
});
