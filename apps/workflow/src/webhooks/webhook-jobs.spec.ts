import type { AlertView } from '../alerts/alert-view.mapper';
import { webhookJobId, webhookTargetId } from './webhook-jobs';

const alert = (id: string) => ({ id, kind: 'sla.breached' }) as AlertView;

describe('webhook job ids', () => {
  const target = webhookTargetId('https://hooks.example.com/alerts?token=abc');

  it('names a receiver by a short digest of its URL, not by the URL', () => {
    expect(target).toMatch(/^[0-9a-f]{16}$/);
    expect(webhookTargetId('https://hooks.example.com/alerts?token=abc')).toBe(target);
    expect(webhookTargetId('https://hooks.example.com/alerts?token=abd')).not.toBe(target);
  });

  it('is the same for the same alert and receiver, different otherwise, never with ":" and never all digits', () => {
    const id = webhookJobId({ target, alert: alert('42') });
    expect(id).toBe(`webhook-42-${target}`);
    expect(webhookJobId({ target, alert: alert('43') })).not.toBe(id);
    expect(webhookJobId({ target: webhookTargetId('https://other.example.com/'), alert: alert('42') })).not.toBe(id);
    expect(id).not.toContain(':');
    expect(id).not.toMatch(/^[0-9]+$/);
  });
});
