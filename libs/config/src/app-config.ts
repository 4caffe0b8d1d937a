export type ServiceName = 'intake' | 'workflow' | 'analytics';

export const DEFAULT_HTTP_PORTS: Record<ServiceName, number> = {
  intake: 3001,
  workflow: 3002,
  analytics: 3003,
};

/** Outgoing webhooks for workflow's alerts. */
export interface AlertWebhookConfig {
  readonly urls: readonly string[];
  /** Signs every delivery (HMAC-SHA256); never logged. */
  readonly secret: string;
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly backoffMs: number;
}

/** The analytics service's parameters. */
export interface AnalyticsConfig {
  /** Parsed but not yet checked: the scenario's schema belongs to libs/domain. */
  readonly scenarioOverrides: unknown;
  readonly annualValuePerCustomer: number;
  readonly storeAnnualValues: Readonly<Record<string, number>>;
  readonly annualRevenue: number;
  readonly negativeExperienceShare: number;
  readonly activeWindowDays: number;
  readonly activeCustomers: number | null;
  readonly monteCarloDraws: number;
  readonly monteCarloSeed: number;
}

/** The validated, typed configuration a service is given; nothing else reads process.env. */
export interface AppConfig {
  readonly service: { readonly name: ServiceName; readonly env: 'development' | 'test' | 'production' };
  readonly http: { readonly port: number; readonly bodyLimit: string; readonly rateLimitPerMinute: number };
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly groupPrefix: string;
    readonly topicPrefix: string;
    readonly sessionTimeoutMs: number;
    readonly partitionsConcurrency: number;
  };
  readonly database: { readonly url: string; readonly schema: string; readonly poolSize: number };
  readonly redis: { readonly url: string };
  readonly auth: {
    readonly jwtSecret: string;
    readonly issuer: string;
    readonly audience: string;
    readonly usingDevelopmentSecret: boolean;
  };
  readonly log: { readonly level: string; readonly pretty: boolean };
  readonly outbox: { readonly pollMs: number; readonly batchSize: number };
  readonly intake: { readonly defaultPhoneRegion: string; readonly maxEmailBytes: number };
  readonly workflow: {
    readonly escalationAcknowledgeMs: number;
    readonly warningShare: number;
    readonly reopenWindowMs: number;
    readonly reconcileIntervalMs: number;
    readonly timerQueue: string;
    readonly webhookQueue: string;
    /** Timer jobs held at once, and how due timers are gathered into one transaction. */
    readonly timerBatching: { readonly concurrency: number; readonly size: number; readonly waitMs: number };
    /** Parsed but not yet checked against the SLA target schema, which the workflow service owns. */
    readonly slaTargets: unknown;
    /** Null when no webhook URL is configured: webhooks are off. */
    readonly webhooks: AlertWebhookConfig | null;
  };
  readonly analytics: AnalyticsConfig;
}
