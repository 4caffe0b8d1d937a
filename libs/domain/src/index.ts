export * from './intake/complaint-reference';
export * from './intake/customer-contact';
export * from './intake/deduplication-key';
export * from './intake/severity';
