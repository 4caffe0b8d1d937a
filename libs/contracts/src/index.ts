export * from './envelope/envelope.schema';
export * from './envelope/event-codec';
export * from './events/common.schema';
export * from './events/event-catalog';
export * from './events/complaint-received/complaint-received.schema';
export * from './topics';
