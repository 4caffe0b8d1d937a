import { classifyFailure, NonRetryableError, RetryableError } from './errors';

function withProps(message: string, props: Record<string, unknown>): Error {
  return Object.assign(new Error(message), props);
}

describe('classifyFailure', () => {
  it('dead-letters explicit permanent failures at once', () => {
    expect(classifyFailure(new NonRetryableError('rule_broken', 'no'))).toBe('permanent');
  });

  it.each([
    ['explicit retryable', new RetryableError('later')],
    ['connection refused', withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['admin shutdown', withProps('terminating connection due to administrator command', { code: '57P01' })],
    ['cannot connect now', withProps('the database system is starting up', { code: '57P03' })],
    ['connection exception class', withProps('connection failure', { code: '08006' })],
    ['serialization failure', withProps('could not serialize access', { code: '40001' })],
    ['deadlock', withProps('deadlock detected', { code: '40P01' })],
    ['pg pool timeout', new Error('timeout exceeded when trying to connect')],
    ['pg connection terminated', new Error('Connection terminated unexpectedly')],
    ['kafkajs retriable', withProps('leader not available', { retriable: true })],
    ['kafkajs connection', withProps('Connection timeout', { name: 'KafkaJSConnectionError' })],
    ['wrapped driver error', withProps('query failed', { driverError: { code: '57P01', message: 'x' } })],
  ])('retries %s for as long as it takes', (_label, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it.each([
    ['a type error', new TypeError('cannot read properties of undefined')],
    ['a unique violation', withProps('duplicate key', { code: '23505' })],
    ['a thrown string', 'boom'],
    ['a kafkajs non-retriable error', withProps('invalid record', { name: 'KafkaJSProtocolErrorX', retriable: false })],
  ])('retries %s a bounded number of times', (_label, error) => {
    expect(classifyFailure(error)).toBe('bounded');
  });
});
