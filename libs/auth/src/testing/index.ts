export * from './auth-test-factories';
