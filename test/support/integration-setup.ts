// Integration tests talk to a real broker, database and Redis; give them room without sleeping.
jest.setTimeout(60_000);
