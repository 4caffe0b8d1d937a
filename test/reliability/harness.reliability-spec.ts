import { agentPrincipal, bearer } from '@app/auth/testing';
import { expectEventually } from '@app/testing/eventually';
import { ServiceHarness } from '@app/testing/service-harness';
import request from 'supertest';

describe('the service harness', () => {
  const harness = new ServiceHarness();

  beforeAll(() => harness.start(), 120_000);
  afterAll(() => harness.stop());

  it('runs intake, workflow and analytics together on topics of their own', async () => {
    const agent = agentPrincipal();
    const auth = bearer(harness.tokens.for(agent));
    const created = await request(harness.http('intake'))
      .post('/complaints')
      .set('Authorization', auth)
      .send({ callerNumber: '+44 7400 123456', category: 'service', description: 'Harness check.', storeId: 'S001' })
      .expect(202);
    await expectEventually(async () => {
      const opened = await request(harness.http('workflow')).get(`/complaints/${created.body.complaintId}`).set('Authorization', auth).expect(200);
      expect(opened.body.ownerId).toBe(agent.subject);
    });
  });
});
