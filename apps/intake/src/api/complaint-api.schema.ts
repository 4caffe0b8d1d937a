import {
  CategoryCode,
  Description,
  EmailAddressText,
  LocaleTag,
  PhoneNumberText,
  Severity,
  Subject,
  SystemId,
} from '@app/contracts';
import { Type, type Static } from '@sinclair/typebox';

/** What an agent sends while the customer is on the phone. The agent is the token's subject. */
export const RegisterComplaintRequestSchema = Type.Object(
  {
    callerNumber: PhoneNumberText,
    callerEmail: Type.Optional(EmailAddressText),
    loyaltyId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    storeId: Type.Optional(SystemId(64)),
    category: CategoryCode,
    severity: Type.Optional(Severity),
    subject: Type.Optional(Subject),
    description: Description,
    callStartedAt: Type.Optional(Type.String({ format: 'date-time' })),
    locale: Type.Optional(LocaleTag),
  },
  { additionalProperties: false, title: 'RegisterComplaintRequest' },
);
export type RegisterComplaintRequest = Static<typeof RegisterComplaintRequestSchema>;

export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9._~:-]{1,200}$';

export const ListComplaintsQuerySchema = Type.Object(
  {
    phone: Type.Optional(Type.String({ minLength: 3, maxLength: 40 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    status: Type.Optional(
      Type.Union(
        ['new', 'acknowledged', 'in_progress', 'waiting_customer', 'resolved', 'reopened', 'closed'].map((status) =>
          Type.Literal(status),
        ),
      ),
    ),
    store: Type.Optional(SystemId(64)),
    owner: Type.Optional(Type.Literal('me')),
    cursor: Type.Optional(Type.String({ maxLength: 500, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);
export type ListComplaintsQuery = Static<typeof ListComplaintsQuerySchema>;

export interface RegisterComplaintResponse {
  readonly complaintId: string;
  readonly reference: string;
  readonly status: 'accepted';
}

export interface ComplaintView {
  readonly id: string;
  readonly reference: string;
  readonly channel: string;
  readonly status: string;
  readonly customer: {
    readonly id: string;
    readonly phone: string | null;
    readonly email: string | null;
    readonly name: string | null;
    readonly loyaltyId: string | null;
    readonly complaintCount?: number;
  };
  readonly storeId: string | null;
  readonly category: string;
  readonly severity: string;
  readonly severityReason: string;
  readonly subject: string;
  readonly description: string;
  readonly firstResponderId: string | null;
  /** The current owner, as workflow announces it (claims, hand-overs, reassignments). */
  readonly ownerId: string | null;
  readonly firstRespondedAt: string | null;
  readonly receivedAt: string;
  readonly locale: string | null;
  readonly attachments: ReadonlyArray<{ name: string; contentType: string; sizeBytes: number; storageKey: string | null }>;
}

export interface ComplaintPage {
  readonly items: readonly ComplaintView[];
  readonly nextCursor: string | null;
}
