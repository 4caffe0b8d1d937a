import { isPermanentFailure } from './webhook-delivery.processor';

describe('isPermanentFailure', () => {
  it('gives up on client errors only, except a timeout and rate limiting', () => {
    expect([400, 401, 403, 404, 410, 413, 422, 499].filter(isPermanentFailure)).toEqual([400, 401, 403, 404, 410, 413, 422, 499]);
    expect([200, 204, 301, 399, 408, 429, 500, 502, 503, 504].filter(isPermanentFailure)).toEqual([]);
  });
});
