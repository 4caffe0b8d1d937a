import { agentPrincipal, bearer } from '@app/auth/testing';
import { REPO_ROOT } from '@app/testing/infrastructure';
import { recordScenario } from '@app/testing/reliability-report';
import { ServiceHarness } from '@app/testing/service-harness';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { LogCapturingHarness, unmaskedPersonalData } from './access/log-capture';
import { sendPersonalDataTraffic } from './access/personal-data-traffic';
import { scanForSecrets, secretCandidates, SECRET_ALLOWANCES, trackedFiles } from './access/secret-scan';

describe('personal data in logs', () => {
  // Every level, so nothing a service might log escapes the check.
  const harness = new LogCapturingHarness({ env: { LOG_LEVEL: 'trace' } });

  beforeAll(() => harness.start(), 120_000);
  afterAll(() => harness.stop());

  it('recognises a phone number or an email address left in a line, in any format', () => {
    const phone = { sent: '+44 7400 123456', significant: '7400123456' };
    const lines = [
      '{"msg":"GET /complaints?phone=%2B447400123456"}',
      '{"msg":"called back on 07400-123-456"}',
      '{"msg":"called back on ０７４００ １２３４５６"}',
      '{"msg":"from Jane.Doe+shop@Example.com"}',
      '{"msg":"called back on +** **** ****56, wrote to j***@e***.com"}',
    ];
    const findings = unmaskedPersonalData(lines, [phone], ['jane.doe@example.com']);
    expect(findings.map((finding) => lines.indexOf(finding.line))).toEqual([0, 1, 2, 3]);
  });

  it('masks every phone number and email address a full run sent, in every line the services wrote', async () => {
    const run = await sendPersonalDataTraffic(harness);
    const lines = harness.logs.lines;
    const findings = unmaskedPersonalData(lines, run.phones, run.emails);
    recordScenario({
      scenario: 'personal data in logs',
      load: `${run.messagesIn} requests and channel messages with ${run.phones.length} phone numbers and ${run.emails.length} email addresses; ${lines.length} log lines`,
      faults: `validation errors, unreadable and oversized bodies, 401/404, ${run.deadLettered} dead letters${findings.length > 0 ? `; ${findings.length} unmasked` : ''}`,
      messagesIn: run.messagesIn,
      complaintsStored: run.storedComplaintIds.length,
      lost: 0,
      duplicated: 0,
      result: findings.length === 0 ? 'pass' : 'fail',
    });

    // The logs of the run were captured: its complaints, its dead letters, its refused requests, masked.
    for (const id of run.storedComplaintIds) expect(lines.some((line) => line.includes(id))).toBe(true);
    expect(harness.logs.withMessage('message dead-lettered').length).toBeGreaterThanOrEqual(run.deadLettered);
    expect(harness.logs.withMessage('request body refused').map((record) => record['status'])).toEqual(expect.arrayContaining([400, 413]));
    expect(lines.some((line) => line.includes('***'))).toBe(true);

    expect(findings.map((finding) => `${finding.value} in ${finding.line.slice(0, 400)}`)).toEqual([]);
  });
});

describe('secrets in the repository', () => {
  it('finds private keys, tokens, JWTs, literal passwords and random strings, and excuses none of them', () => {
    // 64 random characters plus one of each class: a shorter token now and then lacks a digit or repeats
    // enough characters to fall under the scan's entropy bar, and would not be found.
    const randomToken = `${randomBytes(48).toString('base64')}Kq7`;
    const jwt = ['eyJhbGciOiJIUzI1NiJ9', Buffer.from('{"sub":"someone"}').toString('base64url'), randomBytes(32).toString('base64url')].join('.');
    const planted = [
      ['-----BEGIN', 'RSA PRIVATE KEY-----'].join(' '),
      `aws_key = ${['AKIA', 'Q2W3E4R5T6Y7U8I9'].join('')}`,
      `const session = '${jwt}';`,
      `DB_${'PASSWORD'}=Tr0ub4dor-and-3`,
      `db${'Password'}: "Tr0ub4dor&3x"`,
      `postgres://app:${'Tr0ub4dor3'}@db:5432/app`,
      `const blob = '${randomToken}';`,
    ];
    const candidates = secretCandidates('apps/intake/src/leaky.ts', planted.join('\n'));
    expect([...new Set(candidates.map((candidate) => candidate.line))].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const excused = candidates.filter((candidate) => SECRET_ALLOWANCES.some((allowance) => allowance.allows(candidate, planted)));
    expect(excused).toEqual([]);
  });

  it('holds no secret other than marked development defaults and test fixtures that show they are fake', () => {
    const scan = scanForSecrets(REPO_ROOT, trackedFiles(REPO_ROOT), SECRET_ALLOWANCES);
    expect(scan.filesScanned).toBeGreaterThan(100);
    // The marked development JWT secret is there, and allowed as such: the scan does look.
    expect(scan.allowed.map((candidate) => candidate.file)).toEqual(expect.arrayContaining(['libs/config/src/env.schema.ts', 'docker-compose.yml']));
    expect(scan.found.map((candidate) => `${candidate.file}:${candidate.line} ${candidate.kind}: ${candidate.text.trim().slice(0, 160)}`)).toEqual([]);
  });
});

describe('request limits', () => {
  const harness = new ServiceHarness({ services: ['intake'], env: { HTTP_BODY_LIMIT: '16kb', HTTP_RATE_LIMIT_PER_MINUTE: '5' } });

  beforeAll(() => harness.start(), 120_000);
  afterAll(() => harness.stop());

  it('answers 413 with a reason to a body over HTTP_BODY_LIMIT, before it reaches a route', async () => {
    const auth = bearer(harness.tokens.for(agentPrincipal()));
    const response = await request(harness.http('intake'))
      .post('/complaints')
      .set('Authorization', auth)
      .send({ callerNumber: '+44 7400 123456', category: 'service', description: 'x'.repeat(20 * 1024) })
      .expect(413);
    expect(response.body).toEqual({ statusCode: 413, error: 'Payload Too Large', reason: 'body_too_large', message: expect.stringContaining('16384 bytes') });
    const unreadable = await request(harness.http('intake')).post('/complaints').set('Authorization', auth).set('Content-Type', 'application/json').send('{"description": ').expect(400);
    expect(unreadable.body.reason).toBe('invalid_body');
  });

  it('answers 429 with Retry-After once a client has used HTTP_RATE_LIMIT_PER_MINUTE, counting each client apart', async () => {
    const http = () => request(harness.http('intake'));
    const busy = bearer(harness.tokens.for(agentPrincipal()));
    for (let call = 1; call <= 5; call += 1) await http().get('/complaints').set('Authorization', busy).expect(200);
    const limited = await http().get('/complaints').set('Authorization', busy).expect(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body).toEqual({ statusCode: 429, error: 'Too Many Requests', reason: 'rate_limited', message: expect.any(String), retryAfterSeconds: retryAfter });
    // Another agent has a budget of their own; the probes are never limited.
    await http().get('/complaints').set('Authorization', bearer(harness.tokens.for(agentPrincipal()))).expect(200);
    for (let call = 1; call <= 10; call += 1) await http().get('/health').expect(200);
    // Without a valid token the client is its address: refused (401) five times, then limited too.
    for (let call = 1; call <= 5; call += 1) await http().get('/complaints').expect(401);
    const anonymous = await http().get('/complaints').set('Authorization', bearer(harness.tokens.forged(agentPrincipal()))).expect(429);
    expect(anonymous.headers['retry-after']).toBeDefined();
  });
});
