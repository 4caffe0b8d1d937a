import type { Static } from '@sinclair/typebox';
import { ComplaintCustomerMessageReceivedV1Event } from './complaint-customer-message-received/complaint-customer-message-received.schema';
import { ComplaintReceivedV1Event } from './complaint-received/complaint-received.schema';
import { CUSTOMER_SIGNAL_EVENTS } from './customer-signals/customer-signals.schema';
import { WORKFLOW_EVENTS } from './workflow/workflow-events.schema';

/**
 * Every (type, version) the system produces or accepts. Versioning rule: adding an optional payload
 * field keeps the version; any other change (new required field, removed or retyped field, changed
 * meaning) adds a new version beside the old one, and producers move to it only once every consumer
 * accepts it. A consumer meeting a (type, version) not listed here dead-letters it.
 */
export const EVENT_CATALOG = [ComplaintReceivedV1Event, ComplaintCustomerMessageReceivedV1Event, ...WORKFLOW_EVENTS, ...CUSTOMER_SIGNAL_EVENTS] as const;

type Definition = (typeof EVENT_CATALOG)[number];

export type EventType = Definition['type'];

/** The payload type of one event type at its newest version, e.g. PayloadOf<'complaint.received'>. */
export type PayloadOf<TType extends EventType> = Static<Extract<Definition, { type: TType }>['payload']>;

export type VersionOf<TType extends EventType> = Extract<Definition, { type: TType }>['version'];
