import { loadConfig } from '@app/config';
import type { Provider } from '@nestjs/common';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';
import { WebhookDispatcherService } from './webhooks/webhook-dispatcher.service';
import { WorkflowModule } from './workflow.module';

const webhookClasses: Provider[] = [WebhookDispatcherService, WebhookDeliveryProcessor];

describe('WorkflowModule', () => {
  it('creates no webhook queue, worker or cursor loop when no webhook URL is configured', () => {
    const providers = WorkflowModule.forRoot(loadConfig('workflow', {})).providers ?? [];
    expect(providers.filter((provider) => webhookClasses.includes(provider))).toEqual([]);
  });

  it('wires the webhook dispatcher and delivery worker when URLs are configured', () => {
    const config = loadConfig('workflow', { ALERT_WEBHOOK_URLS: 'https://hooks.example.com/alerts', ALERT_WEBHOOK_SECRET: 'a-webhook-secret-of-some-length' });
    const providers = WorkflowModule.forRoot(config).providers ?? [];
    expect(providers).toEqual(expect.arrayContaining(webhookClasses));
  });
});
