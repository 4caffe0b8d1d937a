// Exits 0 once the broker at argv[2] answers metadata requests and has an active controller.
const { Kafka, logLevel } = require('kafkajs');

const broker = process.argv[2] || '127.0.0.1:9092';
const admin = new Kafka({ clientId: 'stack-ready', brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();

admin
  .connect()
  .then(() => admin.describeCluster())
  .then((cluster) => {
    if (cluster.controller === null || cluster.controller === undefined || cluster.controller < 0) throw new Error('no controller');
    return admin.disconnect().then(() => process.exit(0));
  })
  .catch(() => process.exit(1));
