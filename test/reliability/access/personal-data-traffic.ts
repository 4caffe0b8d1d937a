import { agentPrincipal, bearer, opsPrincipal } from '@app/auth/testing';
import { channelMessage, hotlineCall, instoreTicket, plainEmail } from '@app/testing/channel-factories';
import { expectEventually } from '@app/testing/eventually';
import { readMessages } from '@app/testing/infrastructure';
import type { ServiceHarness } from '@app/testing/service-harness';
import { randomBytes, randomInt } from 'node:crypto';
import request from 'supertest';
import type { PhoneUnderTest } from './log-capture';

/** One UK mobile number, written the ways customers, agents and systems write it. */
const PHONE_FORMATS = {
  e164: (six: string) => `+447400${six}`,
  e164Spaced: (six: string) => `+44 7400 ${six.slice(0, 3)} ${six.slice(3)}`,
  national: (six: string) => `07400 ${six}`,
  nationalCompact: (six: string) => `07400${six}`,
  dashed: (six: string) => `07400-${six.slice(0, 3)}-${six.slice(3)}`,
  dotted: (six: string) => `07400.${six.slice(0, 3)}.${six.slice(3)}`,
  parenthesised: (six: string) => `(07400) ${six.slice(0, 3)} ${six.slice(3)}`,
  trunkPrefix: (six: string) => `+44 (0)7400 ${six}`,
  // As typed with a CJK input method.
  fullWidth: (six: string) => `０７４００ ${[...six].map((digit) => String.fromCharCode(0xff10 + Number(digit))).join('')}`,
} as const;
type PhoneFormat = keyof typeof PHONE_FORMATS;

export interface PersonalDataRun {
  readonly phones: readonly PhoneUnderTest[];
  readonly emails: readonly string[];
  /** The complaints this run stored; their ids must be in the logs, or nothing was captured. */
  readonly storedComplaintIds: readonly string[];
  readonly messagesIn: number;
  readonly deadLettered: number;
}

const POLL = { timeoutMs: 60_000, intervalMs: 250 };

/**
 * Traffic full of customers' phone numbers and email addresses, through every door and every error
 * path: the agent API (accepted, refused by validation, unreadable JSON, over the size limit, searches
 * by phone and email in the query string, a phone number as a path parameter echoed by the 404, a
 * request without a token), workflow notes and hand-overs, and the three channel topics (accepted and
 * dead-lettered). Returns once every accepted complaint is open in workflow and every refused message
 * is on the dead-letter topic, so the logs of the whole run are written.
 */
export async function sendPersonalDataTraffic(harness: ServiceHarness): Promise<PersonalDataRun> {
  const suffix = randomBytes(3).toString('hex');
  const storeId = `SL-${suffix}`;
  const phones: PhoneUnderTest[] = [];
  const phone = (format: PhoneFormat): string => {
    const six = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const sent = PHONE_FORMATS[format](six);
    phones.push({ sent, significant: `7400${six}` });
    return sent;
  };
  const emails: string[] = [];
  let emailCount = 0;
  const email = (shape: 'plain' | 'mixedCase' | 'plus' = 'plain'): string => {
    emailCount += 1;
    const local = `pd${suffix}x${emailCount}`;
    const address =
      shape === 'mixedCase' ? `Pd${suffix}X${emailCount}@Customer.Example` : shape === 'plus' ? `${local}+complaints@customer.example` : `${local}@customer.example`;
    emails.push(address);
    return address;
  };

  const agent = agentPrincipal({ subject: `pd-agent-${suffix}` });
  const asAgent = bearer(harness.tokens.for(agent));
  const asOps = bearer(harness.tokens.for(opsPrincipal()));
  const intake = () => request(harness.http('intake'));
  const workflow = () => request(harness.http('workflow'));
  let messagesIn = 0;
  const sent = <T>(response: T): T => {
    messagesIn += 1;
    return response;
  };

  // ---- the agent API ----
  const emailOfApiComplaint = email('mixedCase');
  const accepted = sent(
    await intake()
      .post('/complaints')
      .set('Authorization', asAgent)
      .send({
        callerNumber: phone('e164Spaced'),
        callerEmail: emailOfApiComplaint,
        storeId,
        category: 'service',
        description: `Please call me back on ${phone('national')} or write to ${email('plus')}.`,
        callStartedAt: new Date().toISOString(),
      })
      .expect(202),
  );
  const apiComplaintId = accepted.body.complaintId as string;
  sent(
    await intake()
      .post('/complaints')
      .set('Authorization', asAgent)
      .send({ callerNumber: phone('dashed'), callerEmail: `${email()} (home)`, category: 'service', description: 'Bad email.' })
      .expect(400),
  );
  sent(
    await intake()
      .post('/complaints')
      .set('Authorization', asAgent)
      .set('Content-Type', 'application/json')
      .send(`{"callerNumber": "${phone('dotted')}", "callerEmail": "${email()}", "description": }`)
      .expect(400),
  );
  sent(
    await intake()
      .post('/complaints')
      .set('Authorization', asAgent)
      .send({ callerNumber: phone('parenthesised'), callerEmail: email(), category: 'service', description: 'x'.repeat(300_000) })
      .expect(413),
  );
  sent(
    await intake()
      .get(`/complaints?phone=${encodeURIComponent(phone('e164'))}&email=${encodeURIComponent(emailOfApiComplaint)}`)
      .set('Authorization', asAgent)
      .expect(200),
  );
  const fullWidthSearch = sent(await intake().get(`/complaints?phone=${encodeURIComponent(phone('fullWidth'))}`).set('Authorization', asAgent));
  expect([200, 400]).toContain(fullWidthSearch.status);
  sent(await intake().get(`/complaints/${encodeURIComponent(phone('trunkPrefix'))}`).set('Authorization', asAgent).expect(404));
  sent(await intake().get(`/complaints?email=${encodeURIComponent(email())}&phone=${encodeURIComponent(phone('national'))}`).expect(401));

  // ---- workflow: free text and people's addresses ----
  await expectEventually(() => workflow().get(`/complaints/${apiComplaintId}`).set('Authorization', asOps).expect(200), POLL);
  sent(
    await workflow()
      .post(`/complaints/${apiComplaintId}/notes`)
      .set('Authorization', asAgent)
      .send({ body: `Customer asked for a call back on ${phone('nationalCompact')} or at ${email()}.` })
      .expect(201),
  );
  sent(
    await workflow()
      .post(`/complaints/${apiComplaintId}/handovers`)
      .set('Authorization', asAgent)
      .send({ to: email(), reason: `The customer prefers to be called on ${phone('e164Spaced')}.` })
      .expect(201),
  );

  // ---- the channel topics ----
  const emailOfHotlineCall = email();
  const emailOfEmail = email('mixedCase');
  const emailOfTicket = email();
  const producer = harness.kafka.producer();
  await producer.connect();
  try {
    const call = hotlineCall({ callerNumber: phone('national'), callerEmail: emailOfHotlineCall, storeId, callStartedAt: new Date().toISOString() });
    const refusedCall = { schemaVersion: 1, callId: `pd-${suffix}`, callerNumber: phone('e164'), callerEmail: email() };
    const unreadableCall = `{"callerNumber": ${phone('e164')}, "callerEmail": "${email()}"}`;
    await producer.send({
      topic: harness.topics.hotline,
      messages: [
        { key: call.callId, value: channelMessage(call) },
        { key: refusedCall.callId, value: channelMessage(refusedCall) },
        { key: `pd-unreadable-${suffix}`, value: Buffer.from(unreadableCall, 'utf8') },
      ],
    });
    const mail = await plainEmail({
      from: `Jane Customer <${emailOfEmail}>`,
      text: `My number is ${phone('e164Spaced')}; please answer to ${emailOfEmail}.`,
      date: new Date(),
    });
    const blank = await plainEmail({ from: email(), subject: '', text: '', date: new Date() });
    await producer.send({
      topic: harness.topics.email,
      messages: [
        { key: mail.messageId, value: mail.raw },
        { key: blank.messageId, value: blank.raw },
      ],
    });
    const ticket = instoreTicket({ storeId, customer: { phone: phone('dashed'), email: emailOfTicket }, occurredAt: new Date().toISOString() });
    const { staffId: _staffId, ...withoutStaff } = instoreTicket({ storeId, customer: { phone: phone('parenthesised'), email: email() } });
    await producer.send({
      topic: harness.topics.instore,
      messages: [
        { key: `${storeId}/${ticket.receiptOrTicketNumber}`, value: channelMessage(ticket) },
        { key: `${storeId}/${withoutStaff.receiptOrTicketNumber}`, value: channelMessage(withoutStaff) },
      ],
    });
    messagesIn += 7;
  } finally {
    await producer.disconnect();
  }

  // ---- until everything has been handled (and logged) ----
  const inStore = await expectEventually(async () => {
    const response = await intake().get(`/complaints?store=${storeId}`).set('Authorization', asOps).expect(200);
    const ids = (response.body.items as Array<{ id: string }>).map((item) => item.id);
    expect(ids).toHaveLength(3);
    return ids;
  }, POLL);
  const byEmail = await expectEventually(async () => {
    const response = await intake().get(`/complaints?email=${encodeURIComponent(emailOfEmail)}`).set('Authorization', asOps).expect(200);
    const ids = (response.body.items as Array<{ id: string }>).map((item) => item.id);
    expect(ids).toHaveLength(1);
    return ids;
  }, POLL);
  const storedComplaintIds = [...inStore, ...byEmail];
  for (const id of storedComplaintIds) {
    await expectEventually(() => workflow().get(`/complaints/${id}`).set('Authorization', asOps).expect(200), POLL);
  }
  const deadLetters = await readMessages(harness.kafka, harness.topics.deadLetter, 4, 60_000);
  return { phones, emails, storedComplaintIds, messagesIn, deadLettered: deadLetters.length };
}
