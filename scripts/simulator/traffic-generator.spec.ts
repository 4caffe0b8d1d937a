import { decodeHotlineCall, decodeInstoreTicket, type HotlineCallV1, type InstoreTicketV1 } from '@app/contracts';
import { normaliseEmail, normalisePhone } from '@app/domain';
import { parseEmail, type ParsedEmail } from '../../apps/intake/src/channels/email/email-message.parser';
import {
  InvalidTrafficOptionsError,
  mulberry32,
  resolveTrafficOptions,
  TrafficGenerator,
  type SimulatedMessage,
  type TrafficOptions,
} from './traffic-generator';

/** What the real decoder of the message's channel made of it. */
type Decoded =
  | { readonly channel: 'hotline'; readonly ok: true; readonly value: HotlineCallV1 }
  | { readonly channel: 'instore'; readonly ok: true; readonly value: InstoreTicketV1 }
  | { readonly channel: 'email'; readonly ok: true; readonly value: ParsedEmail }
  | { readonly channel: SimulatedMessage['channel']; readonly ok: false; readonly code: string; readonly reason: string };

interface Sample {
  readonly index: number;
  readonly message: SimulatedMessage;
  readonly decoded: Decoded;
}

async function decode(message: SimulatedMessage): Promise<Decoded> {
  switch (message.channel) {
    case 'hotline': {
      const result = decodeHotlineCall(message.value);
      return result.ok
        ? { channel: 'hotline', ok: true, value: result.value }
        : { channel: 'hotline', ok: false, code: result.error.code, reason: result.error.message };
    }
    case 'instore': {
      const result = decodeInstoreTicket(message.value);
      return result.ok
        ? { channel: 'instore', ok: true, value: result.value }
        : { channel: 'instore', ok: false, code: result.error.code, reason: result.error.message };
    }
    case 'email': {
      const result = await parseEmail(message.value);
      return result.ok
        ? { channel: 'email', ok: true, value: result.value }
        : { channel: 'email', ok: false, code: result.error.code, reason: result.error.message };
    }
  }
}

async function generate(count: number, options: Partial<TrafficOptions>): Promise<SimulatedMessage[]> {
  const generator = new TrafficGenerator(options);
  const messages: SimulatedMessage[] = [];
  for (let index = 0; index < count; index += 1) messages.push(await generator.next());
  return messages;
}

function share(messages: readonly SimulatedMessage[], kind: SimulatedMessage['kind']): number {
  return messages.filter((message) => message.kind === kind).length / messages.length;
}

function emailOf(sample: Sample): ParsedEmail | null {
  return sample.decoded.channel === 'email' && sample.decoded.ok ? sample.decoded.value : null;
}

const SAMPLE_SIZE = 2000;

describe('TrafficGenerator', () => {
  /** The default mix. */
  let samples: Sample[];
  /** Nothing but malformed messages, to see every kind of fault often enough. */
  let malformedOnly: Sample[];

  const decodeAll = (messages: readonly SimulatedMessage[]): Promise<Sample[]> =>
    Promise.all(messages.map(async (message, index) => ({ index, message, decoded: await decode(message) })));

  beforeAll(async () => {
    samples = await decodeAll(await generate(SAMPLE_SIZE, { seed: 2026 }));
    malformedOnly = await decodeAll(await generate(600, { seed: 2027, malformedShare: 1, duplicateShare: 0, replyShare: 0 }));
  }, 120_000);

  const ofKind = (...kinds: Array<SimulatedMessage['kind']>): Sample[] => samples.filter((sample) => kinds.includes(sample.message.kind));

  describe('reproducibility', () => {
    it('gives the same bytes, keys and notes for the same seed', async () => {
      const first = await generate(300, { seed: 7 });
      const second = await generate(300, { seed: 7 });
      expect(second.map((message) => message.value.toString('base64'))).toEqual(first.map((message) => message.value.toString('base64')));
      expect(second.map(({ channel, key, kind, note }) => ({ channel, key, kind, note }))).toEqual(
        first.map(({ channel, key, kind, note }) => ({ channel, key, kind, note })),
      );
    });

    it('gives other traffic, with other ids, for another seed', async () => {
      const [first, second] = await Promise.all([generate(50, { seed: 7 }), generate(50, { seed: 8 })]);
      const keys = new Set(first.map((message) => message.key));
      expect(second.filter((message) => message.channel === 'hotline').some((message) => keys.has(message.key))).toBe(false);
      expect(second.map((message) => message.note)).not.toEqual(first.map((message) => message.note));
    });

    it('derives the timestamps from the time it is given', async () => {
      const now = new Date('2027-03-01T12:00:00.000Z');
      const generator = new TrafficGenerator({ seed: 3, channelWeights: { hotline: 1, email: 0, instore: 0 }, malformedShare: 0, duplicateShare: 0 });
      const decoded = decodeHotlineCall((await generator.next(now)).value);
      if (!decoded.ok) throw new Error(decoded.error.message);
      const started = new Date(decoded.value.callStartedAt).getTime();
      expect(started).toBeLessThanOrEqual(now.getTime());
      expect(started).toBeGreaterThan(now.getTime() - 60 * 60 * 1000);
    });

    it('draws from mulberry32, which stays in [0, 1)', () => {
      const next = mulberry32(123);
      const values = Array.from({ length: 1000 }, () => next());
      expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
      expect(mulberry32(123)()).toBe(values[0]);
    });
  });

  describe('with the real decoders', () => {
    it('every valid, duplicate and reply message decodes', () => {
      const refused = ofKind('valid', 'duplicate', 'reply')
        .filter((sample) => !sample.decoded.ok)
        .map((sample) => `${sample.message.note}: ${sample.decoded.ok ? '' : sample.decoded.reason}`);
      expect(refused).toEqual([]);
    });

    it('every malformed message is refused, with the failure code its note announces', () => {
      const malformed = [...ofKind('malformed'), ...malformedOnly];
      expect(ofKind('malformed').length).toBeGreaterThan(0);
      expect(malformedOnly.every((sample) => sample.message.kind === 'malformed')).toBe(true);
      const wrong = malformed
        .map((sample) => {
          const expected = /expect (\w+)/.exec(sample.message.note)?.[1] ?? 'a code in the note';
          const actual = sample.decoded.ok ? 'accepted' : sample.decoded.code;
          return { note: sample.message.note, expected, actual };
        })
        .filter(({ expected, actual }) => expected !== actual);
      expect(wrong).toEqual([]);
    });

    it('covers the malformed shapes of every channel', () => {
      const codes = new Set(malformedOnly.map((sample) => `${sample.message.channel} ${sample.decoded.ok ? 'accepted' : sample.decoded.code}`));
      for (const expected of [
        'hotline not_json',
        'hotline not_utf8',
        'hotline invalid_document',
        'hotline unknown_schema_version',
        'hotline no_text',
        'instore not_json',
        'instore not_utf8',
        'instore invalid_document',
        'instore unknown_schema_version',
        'instore no_text',
        'email no_sender',
        'email no_text',
      ]) {
        expect(codes).toContain(expected);
      }
    });

    it('sends emails in several charsets and shapes, decoded without replacement characters', () => {
      const emails = ofKind('valid', 'reply');
      for (const format of [
        'utf-8 plain',
        'utf-8 html-only',
        'utf-8 alternative',
        'GB2312 quoted-printable',
        'Big5 8bit',
        'Big5 base64',
        'ISO-8859-1 quoted-printable',
      ]) {
        expect(emails.some((sample) => sample.message.note.includes(` ${format},`))).toBe(true);
      }
      const parsed = emails.map(emailOf).filter((email): email is ParsedEmail => email !== null);
      expect(parsed.some((email) => email.textSource === 'html')).toBe(true);
      expect(parsed.some((email) => /[\u4e00-\u9fff]/.test(email.subject))).toBe(true);
      expect(parsed.some((email) => /^[\x20-\x7e]+$/.test(email.subject))).toBe(true);
      expect(parsed.filter((email) => `${email.subject}${email.text}`.includes('\ufffd'))).toEqual([]);
    });

    it('attaches real PNG and PDF files to some emails', () => {
      const attachments = ofKind('valid', 'reply').flatMap((sample) => emailOf(sample)?.attachments ?? []);
      const png = attachments.find((attachment) => attachment.contentType === 'image/png');
      const pdf = attachments.find((attachment) => attachment.contentType === 'application/pdf');
      expect(png?.content.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(pdf?.content.subarray(0, 5).toString('ascii')).toBe('%PDF-');
      expect(pdf?.content.toString('ascii').trimEnd().endsWith('%%EOF')).toBe(true);
    });

    it('sends in-store tickets with photos', () => {
      const tickets = ofKind('valid').flatMap((sample) => (sample.decoded.channel === 'instore' && sample.decoded.ok ? [sample.decoded.value] : []));
      expect(tickets.some((ticket) => (ticket.photos?.length ?? 0) > 0)).toBe(true);
    });
  });

  describe('natural keys', () => {
    it('never repeats a call id, Message-ID or store and receipt outside duplicates', () => {
      const keys = ofKind('valid', 'reply').map((sample) => {
        const { decoded } = sample;
        if (!decoded.ok) return `refused ${sample.index}`;
        switch (decoded.channel) {
          case 'hotline':
            return `call ${decoded.value.callId}`;
          case 'instore':
            return `ticket ${decoded.value.storeId} ${decoded.value.receiptOrTicketNumber}`;
          case 'email':
            return `email ${decoded.value.messageId}`;
        }
      });
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('writes notes in printable ASCII, as they travel in a Kafka header', () => {
      expect([...samples, ...malformedOnly].filter((sample) => !/^[\x20-\x7e]+$/.test(sample.message.note))).toEqual([]);
    });

    it('gives every email a Message-ID of its own, never a synthetic one', () => {
      const emails = ofKind('valid', 'reply').map(emailOf).filter((email): email is ParsedEmail => email !== null);
      expect(emails.length).toBeGreaterThan(0);
      expect(emails.filter((email) => email.messageIdSynthetic)).toEqual([]);
    });
  });

  describe('duplicates', () => {
    it('repeat the channel, key and bytes of an earlier valid or reply message', () => {
      const duplicates = ofKind('duplicate');
      expect(duplicates.length).toBeGreaterThan(0);
      for (const duplicate of duplicates) {
        const original = samples
          .slice(0, duplicate.index)
          .find(
            (sample) =>
              (sample.message.kind === 'valid' || sample.message.kind === 'reply') &&
              sample.message.channel === duplicate.message.channel &&
              sample.message.key === duplicate.message.key &&
              sample.message.value.equals(duplicate.message.value),
          );
        expect(original).toBeDefined();
      }
    });
  });

  describe('replies', () => {
    it('answer an earlier generated email from the same sender, with In-Reply-To, References and Re:', () => {
      const replies = ofKind('reply');
      expect(replies.length).toBeGreaterThan(0);
      for (const reply of replies) {
        const email = emailOf(reply);
        if (email === null) throw new Error(`reply refused: ${reply.message.note}`);
        const parent = email.inReplyTo[0];
        const earlier = samples.slice(0, reply.index).filter((sample) => sample.message.kind === 'valid' || sample.message.kind === 'reply');
        const original = earlier.map(emailOf).find((candidate) => candidate !== null && candidate.messageId === parent);
        expect(original).toBeDefined();
        expect(email.references).toContain(parent);
        expect(email.subject.startsWith('Re: ')).toBe(true);
        expect(email.from.address).toBe(original?.from.address);
      }
    });

    it('continue threads: some answer an earlier reply', () => {
      const replyIds = new Set(ofKind('reply').map((sample) => emailOf(sample)?.messageId));
      expect(ofKind('reply').some((sample) => replyIds.has(emailOf(sample)?.inReplyTo[0]))).toBe(true);
    });
  });

  describe('customers', () => {
    it('give phone numbers intake accepts', () => {
      const numbers = ofKind('valid').flatMap((sample) => {
        const { decoded } = sample;
        if (!decoded.ok) return [];
        if (decoded.channel === 'hotline') return [decoded.value.callerNumber];
        if (decoded.channel === 'instore') return decoded.value.customer.phone === undefined ? [] : [decoded.value.customer.phone];
        return [];
      });
      expect(numbers.length).toBeGreaterThan(100);
      expect(numbers.filter((number) => normalisePhone(number, 'GB') === null)).toEqual([]);
    });

    it('come back, and across channels', () => {
      const channelsByIdentity = new Map<string, Set<string>>();
      const note = (identity: string | null, channel: string): void => {
        if (identity === null) return;
        channelsByIdentity.set(identity, (channelsByIdentity.get(identity) ?? new Set()).add(channel));
      };
      const complaintsByIdentity = new Map<string, number>();
      for (const sample of ofKind('valid')) {
        const { decoded } = sample;
        if (!decoded.ok) continue;
        const identities: Array<string | null> =
          decoded.channel === 'hotline'
            ? [normalisePhone(decoded.value.callerNumber, 'GB'), decoded.value.callerEmail === undefined ? null : normaliseEmail(decoded.value.callerEmail)]
            : decoded.channel === 'instore'
              ? [
                  decoded.value.customer.phone === undefined ? null : normalisePhone(decoded.value.customer.phone, 'GB'),
                  decoded.value.customer.email === undefined ? null : normaliseEmail(decoded.value.customer.email),
                ]
              : [decoded.value.from.address];
        for (const identity of identities) {
          note(identity, decoded.channel);
          if (identity !== null) complaintsByIdentity.set(identity, (complaintsByIdentity.get(identity) ?? 0) + 1);
        }
      }
      const acrossChannels = [...channelsByIdentity.values()].filter((channels) => channels.size >= 2);
      expect(acrossChannels.length).toBeGreaterThan(20);
      expect([...complaintsByIdentity.values()].filter((count) => count >= 3).length).toBeGreaterThan(20);
    });

    it('write in English and in Chinese', () => {
      const descriptions = ofKind('valid').flatMap((sample) =>
        sample.decoded.ok && sample.decoded.channel !== 'email' ? [sample.decoded.value.description] : [],
      );
      expect(descriptions.some((text) => /[\u4e00-\u9fff]/.test(text))).toBe(true);
      expect(descriptions.some((text) => /^[\x20-\x7e]+$/.test(text))).toBe(true);
    });
  });

  describe('shares', () => {
    it('follow the defaults: 2% malformed, 5% duplicates, 10% replies', () => {
      const messages = samples.map((sample) => sample.message);
      expect(Math.abs(share(messages, 'malformed') - 0.02)).toBeLessThan(0.01);
      expect(Math.abs(share(messages, 'duplicate') - 0.05)).toBeLessThan(0.015);
      expect(Math.abs(share(messages, 'reply') - 0.1)).toBeLessThan(0.02);
    });

    it('follow the options given', async () => {
      const messages = await generate(SAMPLE_SIZE, {
        seed: 99,
        malformedShare: 0.15,
        duplicateShare: 0.2,
        replyShare: 0.25,
        channelWeights: { hotline: 1, email: 1, instore: 2 },
      });
      expect(Math.abs(share(messages, 'malformed') - 0.15)).toBeLessThan(0.03);
      expect(Math.abs(share(messages, 'duplicate') - 0.2)).toBeLessThan(0.03);
      expect(Math.abs(share(messages, 'reply') - 0.25)).toBeLessThan(0.03);
      const fresh = messages.filter((message) => message.kind === 'valid');
      const instore = fresh.filter((message) => message.channel === 'instore').length / fresh.length;
      expect(Math.abs(instore - 0.5)).toBeLessThan(0.05);
    }, 60_000);

    it('send no duplicates, malformed messages or replies when their shares are zero', async () => {
      const messages = await generate(300, { seed: 5, malformedShare: 0, duplicateShare: 0, replyShare: 0 });
      expect(messages.every((message) => message.kind === 'valid')).toBe(true);
    });
  });

  describe('options', () => {
    it.each([
      [{ duplicateShare: -0.1 }, /duplicateShare/],
      [{ malformedShare: 1.5 }, /malformedShare/],
      [{ duplicateShare: 0.5, malformedShare: 0.3, replyShare: 0.3 }, /must not exceed 1/],
      [{ channelWeights: { hotline: 0, email: 0, instore: 0 } }, /channelWeights/],
      [{ seed: 1.5 }, /seed/],
      [{ customers: 0 }, /customers/],
    ] as Array<[Partial<TrafficOptions>, RegExp]>)('refuses %j', (options, message) => {
      expect(() => resolveTrafficOptions(options)).toThrow(InvalidTrafficOptionsError);
      expect(() => resolveTrafficOptions(options)).toThrow(message);
    });

    it('fills in the defaults, channel weights one by one', () => {
      const options = resolveTrafficOptions({ channelWeights: { hotline: 0, email: 1, instore: 0 } });
      expect(options.duplicateShare).toBe(0.05);
      expect(options.channelWeights).toEqual({ hotline: 0, email: 1, instore: 0 });
    });
  });
});
