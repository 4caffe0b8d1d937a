'use strict';
// Builds each POST /complaints request of the intake API benchmark: a new complaint with an
// Idempotency-Key of its own. Plain CommonJS because autocannon loads it by path in its worker
// thread, where no TypeScript loader runs; kept out of the server's event loop that way.
const { randomInt, randomUUID } = require('node:crypto');

module.exports = function complaintRequest(request) {
  const key = randomUUID();
  const callerNumber = `+44 740 ${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  return {
    ...request,
    headers: { ...request.headers, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ callerNumber, category: 'service', description: `Complaint ${key}`, storeId: `S${randomInt(1, 20)}` }),
  };
};
